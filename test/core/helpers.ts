/**
 * Test helpers for the core suite: a fake request handler that records what it
 * is given, canned responses, and an independent SigV4 verifier.
 */
import { createHash, createHmac } from "node:crypto";
import type { HttpRequest, HttpResponse } from "@smithy/types";
import { CodePipelineClient } from "../../src/client.js";
import type { CodePipelineClientConfig, HttpHandler } from "../../src/config.js";

export const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
export const REGION = "eu-west-1";

export interface CannedResponse {
  statusCode?: number;
  headers?: Record<string, string>;
  /** A string, or a value that is JSON-encoded. */
  body?: unknown;
}

/** A v3-compatible request handler that records every request and answers from `reply`. */
export function fakeHandler(reply: CannedResponse | ((req: HttpRequest, n: number) => CannedResponse) = {}) {
  const requests: HttpRequest[] = [];
  const options: unknown[] = [];
  let destroyed = 0;
  const handler: HttpHandler & { requests: HttpRequest[]; options: unknown[]; destroyed: () => number } = {
    requests,
    options,
    destroyed: () => destroyed,
    async handle(request, handlerOptions) {
      // keep a copy: later middleware must not change what was "sent"
      requests.push({ ...request, headers: { ...request.headers } });
      options.push(handlerOptions);
      const r = typeof reply === "function" ? reply(request, requests.length) : reply;
      return { response: toResponse(r) };
    },
    destroy() {
      destroyed++;
    },
  };
  return handler;
}

export function toResponse(r: CannedResponse): HttpResponse {
  const body = r.body === undefined ? "" : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  return {
    statusCode: r.statusCode ?? 200,
    headers: { "content-type": "application/x-amz-json-1.1", ...r.headers },
    body: new TextEncoder().encode(body),
  } as HttpResponse;
}

/** A client over a fake handler, with fixed region and credentials. */
export function clientWith(handler: HttpHandler, config: CodePipelineClientConfig = {}) {
  return new CodePipelineClient({ region: REGION, credentials: CREDENTIALS, requestHandler: handler, ...config });
}

export const bodyText = (req: HttpRequest): string =>
  typeof req.body === "string" ? req.body : new TextDecoder().decode(req.body as Uint8Array);

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const sha256Hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

export interface SignedRequest {
  method: string;
  path: string;
  /** Raw query string without `?`. */
  query?: string;
  /** Header names in any case. */
  headers: Record<string, string | string[] | undefined>;
  body: string | Uint8Array;
}

export interface Verified {
  ok: boolean;
  reason?: string;
  accessKeyId?: string;
  scope?: string[];
  signedHeaders?: string[];
}

/**
 * Checks an `authorization` header the way the service would, written from the
 * SigV4 specification with node:crypto (not with the signer the client uses).
 */
export function verifySigV4(req: SignedRequest, secretAccessKey: string = CREDENTIALS.secretAccessKey): Verified {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(",") : v;
  const auth = headers.authorization;
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth ?? "");
  if (!m) return { ok: false, reason: `malformed authorization header: ${auth}` };
  const [, accessKeyId, day, region, service, signedList, signature] = m as unknown as string[];
  const signedHeaders = signedList!.split(";");
  const amzDate = headers["x-amz-date"];
  if (!amzDate || !amzDate.startsWith(day!)) return { ok: false, reason: "x-amz-date missing or not the credential day" };
  const payloadHash = sha256Hex(req.body);
  if (headers["x-amz-content-sha256"] !== undefined && headers["x-amz-content-sha256"] !== payloadHash)
    return { ok: false, reason: "x-amz-content-sha256 does not match the body" };
  for (const h of signedHeaders) if (headers[h] === undefined) return { ok: false, reason: `signed header ${h} was not sent` };
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${headers[h]!.trim().replace(/\s+/g, " ")}\n`).join("");
  const query = (req.query ?? "")
    .split("&")
    .filter(Boolean)
    .sort()
    .join("&");
  const canonical = [req.method, req.path, query, canonicalHeaders, signedList, payloadHash].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)].join("\n");
  let key = hmac("AWS4" + secretAccessKey, day!);
  key = hmac(key, region!);
  key = hmac(key, service!);
  key = hmac(key, "aws4_request");
  const expected = createHmac("sha256", key).update(toSign).digest("hex");
  const scopeParts = [day!, region!, service!, "aws4_request"];
  if (expected !== signature) return { ok: false, reason: "signature mismatch", accessKeyId, scope: scopeParts, signedHeaders };
  return { ok: true, accessKeyId, scope: scopeParts, signedHeaders };
}

/** Verifies an HttpRequest object as the client handed it to the handler. */
export const verifyHttpRequest = (req: HttpRequest, secret?: string): Verified =>
  verifySigV4({ method: req.method, path: req.path, headers: req.headers, body: bodyText(req) }, secret);

/** Lower-first name of an operation: `ListPipelines` to `listPipelines`. */
export const lowerFirst = (s: string): string => s[0]!.toLowerCase() + s.slice(1);
