/**
 * The awsJson1_1 protocol: request bodies, response bodies and error bodies.
 */
import type { HttpResponse, ResponseMetadata } from "@smithy/types";
import type { OperationSpec, ShapeHints } from "./operation.js";
import { CodePipelineServiceException, errorName } from "./exception.js";
import { DeserializationError } from "./errors.js";
import { headerValue } from "./middleware/headers.js";
import { runtime } from "./runtime.js";


/**
 * The JSON body of a request, byte for byte as v3 writes it: only the members the operation's wire table
 * lists, in its order (required first, then optional, each in model order), at every depth; no null or
 * undefined members or list elements; timestamps in epoch seconds.
 */
export function serializeBody(input: object | undefined, op: OperationSpec): string {
  const token = op.idempotencyToken;
  if (token && (input as Record<string, unknown> | undefined)?.[token] == null) input = { ...input, [token]: runtime.uuid() };
  return JSON.stringify((op.input && input && pick(input, op.input)) || {});
}

/** `v` as the wire table `t` describes it; undefined for null and undefined. */
function pick(v: any, t: ShapeHints): any {
  if (v == null) return undefined;
  if (typeof t === "number") return t === 1 && v instanceof Date ? v.getTime() / 1000 : typeof v === "number" && !isFinite(v) ? String(v) : v;
  if (typeof v !== "object") return v;
  if (!Array.isArray(t)) return pickMembers(v, t as { readonly [member: string]: ShapeHints });
  if (!Array.isArray(v)) return v;
  const out = [];
  for (const x of v) if (x != null) out.push(pick(x, t[0]));
  return out;
}

function pickMembers(v: any, t: { readonly [member: string]: ShapeHints }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const each = t["*"];
  for (const k of Object.keys(each === undefined ? t : v)) {
    const x = pick(v[k], each ?? t[k]!);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

const decoder = /* @__PURE__ */ new TextDecoder();

/** The request id and other ids of a response, as `$metadata` reports them. */
export function responseMetadata(response: HttpResponse): ResponseMetadata {
  const h = response.headers;
  return {
    httpStatusCode: response.statusCode,
    requestId: headerValue(h, "x-amzn-requestid") ?? headerValue(h, "x-amzn-request-id") ?? headerValue(h, "x-amz-request-id"),
    extendedRequestId: headerValue(h, "x-amz-id-2"),
    cfId: headerValue(h, "x-amz-cf-id"),
  };
}

const SNIPPET = 200;
const snippet = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > SNIPPET ? flat.slice(0, SNIPPET) + "…" : flat;
};

/** JSON.parse reviver: drops null members of objects (absent, as the types say); null list elements stay. */
export function dropNull(this: unknown, _key: string, value: unknown): unknown {
  return value === null && !Array.isArray(this) ? undefined : value;
}

/**
 * Parses a success body into the operation's output, turning timestamps into Dates.
 * Members the service sent as `null` are left out. An operation that returns nothing
 * (`op.noOutput`) resolves to `{ $metadata }` whatever the body holds, JSON or not: the
 * service did what was asked, and failing would invite a second, wrong attempt.
 */
export function parseOutput(bytes: Uint8Array, response: HttpResponse, op: OperationSpec, $metadata: ResponseMetadata): any {
  if (op.noOutput) return { $metadata };
  const text = decoder.decode(bytes);
  let data: any = {};
  if (text.trim()) {
    try {
      data = text.includes("null") ? JSON.parse(text, dropNull) : JSON.parse(text);
    } catch (e) {
      throw deserializationError(`could not parse the ${op.name} response body as JSON`, text, response, $metadata, e);
    }
    if (typeof data !== "object" || data === null || Array.isArray(data))
      throw deserializationError(`the ${op.name} response body is not a JSON object`, text, response, $metadata);
  }
  if (op.output) data = readHints(data, op.output);
  data.$metadata = $metadata;
  return data;
}

/** Credential members (a job's artifactCredentials) whose values must not reach an error message, even from a cut-off body. */
const CREDENTIAL_MEMBERS = /("(?:artifactCredentials|accessKeyId|secretAccessKey|sessionToken)"\s*:\s*)(\{[^}]*\}?|"(?:[^"\\]|\\.)*"?)/g;

function deserializationError(what: string, text: string, response: HttpResponse, $metadata: ResponseMetadata, cause?: unknown) {
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
  const err = new DeserializationError(
    `Invalid response (HTTP ${response.statusCode}${requestIdText($metadata)}): ${what}. Body starts with: ${JSON.stringify(snippet(text))}`,
    { $metadata, cause },
  );
  err.bodySnippet = snippet(text);
  Object.defineProperty(err, "$response", { value: response, enumerable: false });
  return err;
}

const requestIdText = (m: ResponseMetadata): string => (m.requestId ? `, request id ${m.requestId}` : "");

/** Epoch seconds (number or numeric string) or an ISO date string to a Date. */
const toDate = (v: unknown): unknown => {
  if (typeof v === "number") return new Date(Math.round(v * 1000));
  if (typeof v === "string") {
    const n = Number(v);
    const d = v.trim() !== "" && !Number.isNaN(n) ? new Date(Math.round(n * 1000)) : new Date(v);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return v;
};

/** Walks `value` along `hints`, converting the timestamps it marks. */
function readHints(value: any, hints: ShapeHints): any {
  if (value == null) return value;
  if (hints === 1) return toDate(value);
  if (hints === 2 || typeof value !== "object") return value;
  if (Array.isArray(hints)) return Array.isArray(value) ? value.map((v) => readHints(v, hints[0])) : value;
  const h = hints as { [k: string]: ShapeHints };
  if (h["*"] !== undefined) {
    const out: Record<string, unknown> = {};
    for (const k in value) out[k] = readHints(value[k], h["*"]);
    return out;
  }
  for (const k in h) if (value[k] != null) value[k] = readHints(value[k], h[k]!);
  return value;
}

export const SENSITIVE = "***SensitiveInformation***";

/** A copy of `value` with every sensitive value along `hints` replaced, for logs. */
export function redact(value: any, hints: ShapeHints | undefined): any {
  if (value == null || !hints || hints === 1) return value;
  if (hints === 2) return SENSITIVE;
  if (typeof value !== "object") return value;
  if (Array.isArray(hints)) return Array.isArray(value) ? value.map((v) => redact(v, hints[0])) : value;
  const h = hints as { [k: string]: ShapeHints };
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = redact(value[k], h["*"] ?? h[k]);
  return out;
}

/** The service error a non-2xx response stands for. */
export function parseError(
  bytes: Uint8Array,
  response: HttpResponse,
  op: OperationSpec,
  $metadata: ResponseMetadata,
): CodePipelineServiceException {
  const text = decoder.decode(bytes);
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
  const rawCode = body.__type ?? (codeKey && body[codeKey]) ?? headerValue(response.headers, "x-amzn-errortype");
  const code = typeof rawCode === "string" ? sanitizeCode(rawCode) : "Unknown";
  const Ctor = op.errors.find((E) => errorName(E) === code);
  let message = (body.message ?? body.Message ?? "UnknownError") as string;
  if (unreadable) {
    const type = headerValue(response.headers, "content-type");
    message = `HTTP ${response.statusCode} with a body that is not a JSON object${type ? ` (${type})` : ""}${requestIdText($metadata)}: ${JSON.stringify(snippet(text))}`;
  }
  const $response = response;
  const err = Ctor
    ? new Ctor({ $metadata, $response })
    : new CodePipelineServiceException({ name: code, $fault: response.statusCode >= 500 ? "server" : "client", $metadata, $response });
  // v3's own properties, in v3's order: a modeled error takes its message, then the body's other fields;
  // any other error takes the body's fields in their order, with the message where the body has it (else last)
  const e = err as unknown as Record<string, unknown>;
  const fields = Ctor || unreadable ? ((e.message = message), body) : { ...body, message };
  for (const k in fields) if (e[k] == null || e[k] === "") e[k] = fields[k];
  err.message ||= (e.Message as string) || "UnknownError";
  delete e.Message;
  return err;
}


/** `aws.protocols#X:http://...` and `X,Y` forms to `X`. */
export const sanitizeCode = (raw: string): string => {
  let c = raw.split(",")[0]!.split(":")[0]!;
  const hash = c.lastIndexOf("#");
  if (hash >= 0) c = c.slice(hash + 1);
  return c.trim();
};
