import { randomBytes, randomUUID } from "node:crypto";
import { shapes } from "../generated/shapes.js";

/** An error the local endpoint answers with: the service's error name, its HTTP status and a message. */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = "ServiceError";
    this.code = code;
    const shape = shapes[code];
    this.status = status ?? (shape?.k === "structure" ? shape.status : undefined) ?? 400;
  }
}

/** Throws the service error `code`. */
export const fail = (code: string, message: string): never => {
  throw new ServiceError(code, message);
};

export const uuid = (): string => randomUUID();
export const hex = (bytes: number): string => randomBytes(bytes).toString("hex");
export const token = (length: number): string =>
  randomBytes(length).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, length).padEnd(length, "0");

/** One page of `items` after the opaque `nextToken`, for the list operation `kind`. */
export function page<T>(kind: string, items: readonly T[], nextToken: string | undefined, size: number): { items: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    const decoded = decodeToken(nextToken);
    if (!decoded || decoded.kind !== kind || decoded.offset > items.length)
      fail("InvalidNextTokenException", "The next token is not valid for this request. Use the token from the previous page of the same list.");
    start = decoded!.offset;
  }
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? encodeToken(kind, end) : undefined };
}

const encodeToken = (kind: string, offset: number): string => Buffer.from(JSON.stringify([kind, offset])).toString("base64url");

function decodeToken(t: string): { kind: string; offset: number } | undefined {
  try {
    const v = JSON.parse(Buffer.from(t, "base64url").toString("utf8"));
    if (Array.isArray(v) && typeof v[0] === "string" && Number.isInteger(v[1]) && v[1] >= 0) return { kind: v[0], offset: v[1] };
  } catch {
    // not a token of ours
  }
  return undefined;
}

/** A timestamp from the wire (epoch seconds, numeric string or ISO string) as a Date. */
export function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === "number") return new Date(Math.round(v * 1000));
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    const d = Number.isNaN(n) ? new Date(v) : new Date(Math.round(n * 1000));
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Date) return raw.getTime() / 1000;
  return value;
}

/** An awsJson1_1 body: timestamps as epoch seconds, undefined members left out. */
export const toJson = (value: unknown): string => JSON.stringify(value ?? {}, replacer);

/** A deep copy of plain JSON-like data (Dates kept). */
export function clone<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clone(v);
  return out as T;
}
