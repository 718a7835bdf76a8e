/**
 * The awsJson1_1 protocol: request bodies and response bodies. Error bodies, and the
 * `DeserializationError` for a body that cannot be read, are built in failure.ts.
 */
import type { HttpResponse, ResponseMetadata } from "@smithy/types";
import type { OperationSpec, ShapeHints } from "./operation.js";
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
  if (Array.isArray(t)) {
    if (!Array.isArray(v)) return v;
    const list = [];
    for (const x of v) if (x != null) list.push(pick(x, t[0]));
    return list;
  }
  // a structure's listed members in the table's order, or every entry of a map ("*")
  const members = t as { readonly [member: string]: ShapeHints };
  const each = members["*"];
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(each === undefined ? members : v)) {
    const x = pick(v[k], each ?? members[k]!);
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

/** JSON.parse reviver: drops null members of objects (absent, as the types say); null list elements stay. */
export function dropNull(this: unknown, _key: string, value: unknown): unknown {
  return value === null && !Array.isArray(this) ? undefined : value;
}

/**
 * Parses a success body into the operation's output, turning timestamps into Dates.
 * Members the service sent as `null` are left out. An operation that returns nothing
 * (`op.noOutput`) resolves to `{ $metadata }` whatever the body holds, JSON or not: the
 * service did what was asked, and failing would invite a second, wrong attempt.
 * A body that is not a JSON object throws `[what, text, cause?]`, which the deserializer
 * turns into a `DeserializationError` (failure.ts).
 */
export function parseOutput(bytes: Uint8Array, response: HttpResponse, op: OperationSpec, $metadata: ResponseMetadata): any {
  if (op.noOutput) return { $metadata };
  const text = decoder.decode(bytes);
  let data: any = {};
  if (text.trim()) {
    try {
      data = text.includes("null") ? JSON.parse(text, dropNull) : JSON.parse(text);
    } catch (e) {
      throw [`could not parse the ${op.name} response body as JSON`, text, e];
    }
    if (typeof data !== "object" || data === null || Array.isArray(data))
      throw [`the ${op.name} response body is not a JSON object`, text];
  }
  if (op.output) data = readHints(data, op.output);
  data.$metadata = $metadata;
  return data;
}

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
  // a structure's listed members, or every entry of a map ("*"), converted in place (the body was just parsed)
  const h = hints as { [k: string]: ShapeHints };
  const each = h["*"];
  for (const k in each === undefined ? h : value) if (value[k] != null) value[k] = readHints(value[k], each ?? h[k]!);
  return value;
}
