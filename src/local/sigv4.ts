/**
 * Checks the SigV4 signature of a request the local endpoint received, by signing the same request
 * again with `@smithy/signature-v4` and the secret that belongs to the access key.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { NodeSha256 } from "../runtime/node-sha256.js";
import { ServiceError } from "./util.js";
import { SIGNING_NAME } from "../generated/service.js";

/** A set of credentials the local endpoint accepts; requests must be signed with it. */
export interface LocalCredentials {
  /** The access key id. */
  accessKeyId: string;
  /** The secret access key. */
  secretAccessKey: string;
  /** When set, requests must also carry this session token. */
  sessionToken?: string;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** How far the signing time may be from the endpoint's clock, as on AWS. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;\-_.]+),\s*Signature=([0-9a-f]{64})$/;

const err = (code: string, message: string, status: number) => new ServiceError(code, message, status);

const amzDate = (d: Date): string => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

/**
 * Resolves when the request carries a valid signature by a known key; otherwise throws the error
 * the service answers with. Messages never contain the secret or the session token.
 */
export async function verifySignature(
  req: ReceivedRequest,
  keys: ReadonlyMap<string, LocalCredentials>,
  region: string,
  now: Date = new Date(),
): Promise<LocalCredentials> {
  const auth = req.headers["authorization"];
  if (!auth) throw err("MissingAuthenticationTokenException", "Missing Authentication Token: sign the request with SigV4.", 403);
  const m = AUTH.exec(auth.trim());
  if (!m)
    throw err(
      "IncompleteSignatureException",
      "The Authorization header is not a SigV4 header (AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...).",
      400,
    );
  const [, accessKeyId, day, scopeRegion, service, signedList, signature] = m as unknown as [string, string, string, string, string, string, string];
  const creds = keys.get(accessKeyId);
  if (!creds) throw err("UnrecognizedClientException", "The security token included in the request is invalid: the access key is not known to this endpoint.", 400);
  if (creds.sessionToken !== undefined && req.headers["x-amz-security-token"] !== creds.sessionToken)
    throw err("UnrecognizedClientException", "The security token included in the request is invalid.", 400);
  if (service !== SIGNING_NAME)
    throw err("InvalidSignatureException", `Credential should be scoped to correct service: '${SIGNING_NAME}', not '${service}'.`, 403);
  if (scopeRegion !== region)
    throw err("InvalidSignatureException", `Credential should be scoped to a valid region: this endpoint serves '${region}', not '${scopeRegion}'.`, 403);
  const dateHeader = req.headers["x-amz-date"];
  const signed = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(dateHeader ?? "");
  if (!signed) throw err("IncompleteSignatureException", "The request must carry an x-amz-date header (yyyyMMddTHHmmssZ).", 400);
  const signingDate = new Date(Date.UTC(+signed[1]!, +signed[2]! - 1, +signed[3]!, +signed[4]!, +signed[5]!, +signed[6]!));
  if (dateHeader!.slice(0, 8) !== day)
    throw err("InvalidSignatureException", `The credential scope date ${day} does not match the x-amz-date ${dateHeader}.`, 403);
  const skew = signingDate.getTime() - now.getTime();
  if (skew < -MAX_SKEW_MS)
    throw err("InvalidSignatureException", `Signature expired: ${dateHeader} is now earlier than ${amzDate(new Date(now.getTime() - MAX_SKEW_MS))} (${amzDate(now)} - 15 min.)`, 403);
  if (skew > MAX_SKEW_MS)
    throw err("InvalidSignatureException", `Signature not yet current: ${dateHeader} is still later than ${amzDate(new Date(now.getTime() + MAX_SKEW_MS))} (${amzDate(now)} + 15 min.)`, 403);

  const names = signedList.split(";");
  if (!names.includes("host")) throw err("InvalidSignatureException", "The host header must be signed.", 403);
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (value === undefined) throw err("InvalidSignatureException", `The signed header ${name} is missing from the request.`, 403);
    headers[name] = value;
  }
  const declaredHash = req.headers["x-amz-content-sha256"];
  if (declaredHash !== undefined && declaredHash !== "UNSIGNED-PAYLOAD") {
    const actual = createHash("sha256").update(req.body).digest("hex");
    if (actual !== declaredHash) throw err("InvalidSignatureException", "The request body does not match its x-amz-content-sha256 header.", 403);
  }
  const [path, query = ""] = req.path.split("?", 2) as [string, string?];
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
    region,
    service: SIGNING_NAME,
    sha256: NodeSha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    {
      method: req.method,
      protocol: "http:",
      hostname: headers.host!.replace(/:\d+$/, ""),
      path,
      query: parseQuery(query),
      headers,
      body: req.body,
    },
    { signingDate, signableHeaders: new Set(names) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(resigned.headers["authorization"]))?.[1] ?? "";
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature)))
    throw err(
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
      403,
    );
  return creds;
}

function parseQuery(q: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(q)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
