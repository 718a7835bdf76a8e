/**
 * What only failures need: reading error responses and unreadable bodies, turning a handler's
 * failure into a `NetworkError`, and classifying an error for the retry strategy. Loaded at the
 * first failure (`failure()` in lazy.ts), so browser apps that split code keep it out of their
 * start-up bundle. It imports nothing the request path uses: the classes and helpers it needs come
 * in through `setup`, so a bundler puts all of it in the lazy chunk. It imports the error
 * classification, which the workflow helpers import too: the browser build builds this module on
 * its own (dist/browser-lazy/failure.js, see tsup.config.ts), so the two never share a chunk.
 * Logging (log.ts) comes with it: browsers load this one module for a client's first failure or its
 * logger's first call (one lazy chunk instead of two).
 */
import type { HttpRequest, HttpResponse, ResponseMetadata } from "@smithy/types";
import type { OperationSpec } from "./operation.js";
import type { CodePipelineServiceException, ServiceExceptionOptions } from "./exception.js";
import type { DeserializationError, NetworkError } from "./errors.js";
import type { headerValue } from "./middleware/headers.js";
import { classifyError } from "./retry/classify.js";
import { SENSITIVE } from "./log.js";

export { SENSITIVE, logCall, redact } from "./log.js";

/** The request path's pieces this module uses. */
export interface Kit {
  Base: typeof CodePipelineServiceException;
  errorName: (ctor: object) => string | undefined;
  Deserialization: typeof DeserializationError;
  Network: typeof NetworkError;
  header: typeof headerValue;
  fetchHint?: boolean;
}

let K: Kit;

/** Called by the loader with the request path's pieces; returns this module. */
export const setup = (kit: Kit) => ((K = kit), failure);

const SNIPPET = 200;
const snippet = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > SNIPPET ? flat.slice(0, SNIPPET) + "…" : flat;
};

const requestIdText = (m: ResponseMetadata): string => (m.requestId ? `, request id ${m.requestId}` : "");

/** Credential members (a job's artifactCredentials) whose values must not reach an error message, even from a cut-off body. */
const CREDENTIAL_MEMBERS = /("(?:artifactCredentials|accessKeyId|secretAccessKey|sessionToken)"\s*:\s*)(\{[^}]*\}?|"(?:[^"\\]|\\.)*"?)/g;

/** The `DeserializationError` for a success body `parseOutput` could not read (`[what, text, cause]`). */
function deserializationError([what, text, cause]: [string, string, unknown?], response: HttpResponse, $metadata: ResponseMetadata) {
  const masked = text.replace(CREDENTIAL_MEMBERS, `$1"${SENSITIVE}"`);
  if (masked !== text) {
    // JSON.parse messages quote the text around the fault: take them from the masked text instead
    text = masked;
    if (cause !== undefined)
      try {
        JSON.parse(masked);
        cause = undefined;
      } catch (e) {
        cause = e;
      }
  }
  const bodySnippet = snippet(text);
  const err = new K.Deserialization(
    `Invalid response (HTTP ${response.statusCode}${requestIdText($metadata)}): ${what}. Body starts with: ${JSON.stringify(bodySnippet)}`,
    { $metadata, cause },
  );
  err.bodySnippet = bodySnippet;
  Object.defineProperty(err, "$response", { value: response, enumerable: false });
  return err;
}

/** The service error a non-2xx response stands for. */
function parseError(bytes: Uint8Array, response: HttpResponse, op: OperationSpec, $metadata: ResponseMetadata): CodePipelineServiceException {
  const text = new TextDecoder().decode(bytes);
  let body: Record<string, unknown> = {};
  let unreadable = false;
  if (text.trim()) {
    try {
      const parsed = JSON.parse(text);
      body = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : {};
      unreadable = body !== parsed;
    } catch {
      unreadable = true;
    }
  }
  const codeKey = Object.keys(body).find((k) => k.toLowerCase() === "code");
  const rawCode = body.__type ?? (codeKey && body[codeKey]) ?? K.header(response.headers, "x-amzn-errortype");
  const code = typeof rawCode === "string" ? sanitizeCode(rawCode) : "Unknown";
  const Ctor = op.errors.find((E) => K.errorName(E) === code);
  let message = (body.message ?? body.Message ?? "UnknownError") as string;
  if (unreadable) {
    const type = K.header(response.headers, "content-type");
    message = `HTTP ${response.statusCode} with a body that is not a JSON object${type ? ` (${type})` : ""}${requestIdText($metadata)}: ${JSON.stringify(snippet(text))}`;
  }
  const $response = response;
  const err = Ctor
    ? new Ctor({ $metadata, $response })
    : new K.Base({ name: code, $fault: response.statusCode >= 500 ? "server" : "client", $metadata, $response } as ServiceExceptionOptions);
  // v3's own properties, in v3's order: a modeled error takes its message, then the body's other fields;
  // any other error takes the body's fields in their order, with the message where the body has it (else last)
  const e = err as unknown as Record<string, unknown>;
  const fields = Ctor || unreadable ? ((e.message = message), body) : { ...body, message };
  for (const k in fields) if (e[k] == null || e[k] === "") e[k] = fields[k];
  err.message ||= (e.Message as string) || "UnknownError";
  delete e.Message;
  return err;
}

/** `aws.protocols#X:http://...` and `X,Y` forms to `X`: before the first `,` or `:`, after the last `#`. */
const sanitizeCode = (raw: string): string => raw.split(/[,:]/)[0]!.split("#").pop()!.trim();

/**
 * The time a `Retry-After` (seconds or an HTTP date) or `x-amz-retry-after`
 * (milliseconds) response header asks the client to wait until.
 */
function retryAfterHint(response: HttpResponse | undefined): Date | undefined {
  const h = response?.headers;
  const amz = K.header(h, "x-amz-retry-after")?.trim();
  const value = K.header(h, "retry-after")?.trim();
  // NaN for an empty or unreadable value; x-amz-retry-after wins when present
  const at =
    amz !== undefined
      ? amz === ""
        ? NaN
        : Date.now() + Number(amz)
      : value === undefined
        ? NaN
        : /^\d+(\.\d+)?$/.test(value)
          ? Date.now() + Number(value) * 1000
          : Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/**
 * Turns what a handler threw into a typed error: errors that already have a meaning
 * (ours, such as AbortError, TimeoutError and NetworkError, service errors, a custom handler's
 * own named errors) are kept; plain `Error`s and fetch's `TypeError` become a `NetworkError`
 * keeping `code` and `cause`.
 */
function networkError(e: unknown, request: HttpRequest, reading: boolean): Error {
  if (e === null || typeof e !== "object") return new K.Network(`Request failed: ${String(e)}`, { cause: e });
  const err = e as Error & { code?: unknown; $fault?: unknown; $metadata?: unknown };
  if (err.$fault !== undefined || (err.name !== "Error" && err.name !== "TypeError")) return err;
  const code = typeof err.code === "string" ? err.code : undefined;
  const host = request.hostname + (request.port ? `:${request.port}` : "");
  const what = reading ? `The response from ${host} was cut off` : `The request to ${host} failed`;
  // browsers hide why a fetch failed from scripts (runtime.fetchFailureHint): the message names the likely causes
  const hint =
    !reading && err.name === "TypeError" && K.fetchHint ? " (likely causes: CORS does not allow this origin, or the endpoint is unreachable)" : "";
  const out = new K.Network(`${what}: ${err.message}${code ? ` (${code})` : ""}${hint}`, { cause: err });
  if (code) out.code = code;
  return out;
}

const failure = { parseError, deserializationError, retryAfterHint, networkError, classifyError };
/** The functions of this module. */
export type Failure = typeof failure;
