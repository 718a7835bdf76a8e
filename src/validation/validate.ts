/**
 * Checks a value against a shape of the CodePipeline model, using the generated tables in
 * `src/generated/shapes.ts`. Used by the validation plugin, the stubber and the local endpoint.
 *
 * Every problem is reported, each with the path of the value it is about:
 * `pipeline.stages[1].actions[0].name: length 0 < 1`. Paths use `.member` for structure members,
 * `[i]` for list items and `.key` (or `["key"]` when the key is not an identifier) for map entries.
 *
 * What is checked: required members (a required member with a model default may be left out,
 * since the service fills it in), JavaScript types, string lengths (in Unicode code points),
 * list and map sizes, number ranges, patterns, enum values and map keys. Members that are not in
 * the model are ignored by default, like the serializer and the service do; pass
 * `{ unknownMembers: true }` to report them. Sensitive values never appear in a message.
 */
import { shapes, type ShapeInfo } from "../generated/shapes.js";

/** What a problem is about. */
export type ProblemCode = "required" | "type" | "length" | "size" | "range" | "pattern" | "enum" | "unknown";

/** One way a value breaks the model. */
export interface Problem {
  /** Where the value is, e.g. `pipeline.stages[1].actions[0].name`; `""` for the value itself. */
  path: string;
  /** The kind of problem, e.g. `required` or `length`. */
  code: ProblemCode;
  /** What is wrong, without the path, e.g. `length 0 < 1`. */
  message: string;
}

/** Options of `validateShape` and `findProblems`. */
export interface ValidateOptions {
  /** Report members that are not in the model (default false: they are ignored). */
  unknownMembers?: boolean;
  /** Report missing required members (default true). */
  required?: boolean;
  /** Check lengths, sizes, ranges and patterns (default true). Types and enum values are always checked. */
  constraints?: boolean;
  /**
   * The value is decoded JSON as sent on the wire (default false): timestamps are epoch seconds
   * (numbers) instead of `Date`s, and blobs are base64 strings.
   */
  wire?: boolean;
  /** Values for which this returns true are accepted as they are, wherever they appear (e.g. test matchers). */
  accept?: (value: unknown) => boolean;
}

/**
 * Every problem of `value` against the shape `shapeName`, each as `"<path>: <what is wrong>"`.
 * `path` prefixes every path (e.g. `"input"`); problems with the value itself are labelled with
 * `path`, or with the shape name when `path` is empty. An empty array means the value is valid.
 */
export function validateShape(shapeName: string, value: unknown, path = "", options?: ValidateOptions): string[] {
  return findProblems(shapeName, value, path, options).map((p) => `${p.path || shapeName}: ${p.message}`);
}

/** Like {@link validateShape}, with each problem as an object (for callers that format problems themselves). */
export function findProblems(shapeName: string, value: unknown, path = "", options: ValidateOptions = {}): Problem[] {
  if (!shapes[shapeName]) throw new Error(`Unknown shape "${shapeName}": not in the CodePipeline model`);
  const walker = new Walker(options);
  walker.check(shapeName, value, path, false);
  return walker.problems;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const memberPath = (path: string, name: string): string => (path ? `${path}.${name}` : name);
const keyPath = (path: string, key: string): string =>
  IDENT.test(key) ? memberPath(path, key) : `${path}[${JSON.stringify(key)}]`;

const INT_RANGE: { [k: string]: [number, number] } = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
};

const regexCache = /* @__PURE__ */ new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = new RegExp(pattern, "u");
    } catch {
      re = new RegExp(pattern);
    }
    regexCache.set(pattern, re);
  }
  return re;
}

/** Length in Unicode code points, as the model counts it. */
const codePoints = (s: string): number => (/[\uD800-\uDFFF]/.test(s) ? [...s].length : s.length);

/** A short description of a value's type, for "expected X, got Y". */
function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (v instanceof Date) return "Date";
  if (v instanceof Uint8Array) return "Uint8Array";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return typeof v;
}

const quote = (s: string): string => JSON.stringify(s.length > 60 ? s.slice(0, 60) + "…" : s);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

class Walker {
  readonly problems: Problem[] = [];
  private readonly unknown: boolean;
  private readonly required: boolean;
  private readonly constraints: boolean;
  private readonly wire: boolean;
  private readonly accept?: (value: unknown) => boolean;

  constructor(o: ValidateOptions) {
    this.unknown = o.unknownMembers === true;
    this.required = o.required !== false;
    this.constraints = o.constraints !== false;
    this.wire = o.wire === true;
    this.accept = o.accept;
  }

  private add(path: string, code: ProblemCode, message: string): void {
    this.problems.push({ path, code, message });
  }

  /** Checks one present value (not undefined or null) against a shape. `secret` is true under a sensitive member. */
  check(name: string, v: unknown, path: string, secret: boolean): void {
    if (this.accept?.(v)) return;
    const s = shapes[name]!;
    const hidden = secret || s.x === 1;
    switch (s.k) {
      case "structure":
        return this.structure(name, s, v, path, hidden);
      case "list":
        return this.list(s, v, path, hidden);
      case "map":
        return this.map(s, v, path, hidden);
      case "string":
        if (typeof v !== "string") return this.add(path, "type", `expected a string, got ${typeOf(v)}`);
        return this.string(s, v, path, hidden, "");
      case "enum":
        if (typeof v !== "string") return this.add(path, "type", `expected a string, got ${typeOf(v)}`);
        return this.enumValue(s.values, v, path, hidden, "");
      case "intEnum":
        if (typeof v !== "number" || !Number.isInteger(v)) return this.add(path, "type", `expected an integer, got ${typeOf(v)}`);
        if (!s.values.includes(v)) this.add(path, "enum", `${hidden ? "value" : v} is not one of: ${s.values.join(", ")}`);
        return;
      case "byte":
      case "short":
      case "integer":
      case "long": {
        if (typeof v !== "number" || !Number.isInteger(v)) {
          const got = typeof v === "number" && Number.isFinite(v) ? (hidden ? "a fraction" : String(v)) : typeOf(v);
          return this.add(path, "type", `expected an integer, got ${got}`);
        }
        const bounds = INT_RANGE[s.k];
        if (bounds && (v < bounds[0] || v > bounds[1])) return this.add(path, "range", `${hidden ? "value" : `value ${v}`} is outside the ${s.k} range`);
        return this.range(s, v, path, hidden);
      }
      case "float":
      case "double":
        if (typeof v !== "number") return this.add(path, "type", `expected a number, got ${typeOf(v)}`);
        return this.range(s, v, path, hidden);
      case "boolean":
        if (typeof v !== "boolean") this.add(path, "type", `expected a boolean, got ${typeOf(v)}`);
        return;
      case "timestamp":
        if (this.wire) {
          if (typeof v !== "number" || !Number.isFinite(v)) this.add(path, "type", `expected a timestamp in epoch seconds, got ${typeOf(v)}`);
        } else if (!(v instanceof Date)) this.add(path, "type", `expected a Date, got ${typeOf(v)}`);
        else if (Number.isNaN(v.getTime())) this.add(path, "type", "expected a valid Date, got an invalid Date");
        return;
      case "blob":
        if (typeof v !== "string" && (this.wire || !(v instanceof Uint8Array)))
          this.add(path, "type", `expected ${this.wire ? "a base64 string" : "a Uint8Array or a string"}, got ${typeOf(v)}`);
        return;
      case "bigInteger":
      case "bigDecimal":
        if (typeof v !== "number" && typeof v !== "bigint" && typeof v !== "string")
          this.add(path, "type", `expected a number, got ${typeOf(v)}`);
        return;
      case "document":
        return;
    }
  }

  private structure(name: string, s: Extract<ShapeInfo, { k: "structure" }>, v: unknown, path: string, hidden: boolean): void {
    if (!isPlainObject(v)) return this.add(path, "type", `expected an object (${name}), got ${typeOf(v)}`);
    const members = s.m;
    for (const m in members) {
      const info = members[m]!;
      const value = v[m];
      const p = memberPath(path, m);
      if (value === undefined || value === null) {
        if (info.r && info.d === undefined && this.required && !this.accept?.(value)) this.add(p, "required", "required member is missing");
        continue;
      }
      this.check(info.t, value, p, hidden || info.x === 1);
    }
    if (!this.unknown) return;
    for (const k in v) {
      if (Object.prototype.hasOwnProperty.call(members, k) || v[k] === undefined) continue;
      const hint = suggest(k, Object.keys(members));
      this.add(keyPath(path, k), "unknown", `unknown member of ${name}${hint ? ` (did you mean "${hint}"?)` : ""}`);
    }
  }

  private list(s: Extract<ShapeInfo, { k: "list" }>, v: unknown, path: string, hidden: boolean): void {
    if (!Array.isArray(v)) return this.add(path, "type", `expected an array, got ${typeOf(v)}`);
    if (this.constraints) this.size(s, v.length, path);
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      const p = `${path}[${i}]`;
      if (item === undefined || item === null) {
        if (!this.accept?.(item)) this.add(p, "type", `expected ${article(s.m)}, got ${typeOf(item)}`);
      } else this.check(s.m, item, p, hidden);
    }
  }

  private map(s: Extract<ShapeInfo, { k: "map" }>, v: unknown, path: string, hidden: boolean): void {
    if (!isPlainObject(v)) return this.add(path, "type", `expected an object (map), got ${typeOf(v)}`);
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (this.constraints) this.size(s, keys.length, path);
    const keyShape = shapes[s.key]!;
    for (const k of keys) {
      const p = keyPath(path, k);
      if (keyShape.k === "string") this.string(keyShape, k, p, hidden || keyShape.x === 1, "key ");
      else if (keyShape.k === "enum") this.enumValue(keyShape.values, k, p, hidden || keyShape.x === 1, "key ");
      const item = v[k];
      if (item === null) {
        if (!this.accept?.(item)) this.add(p, "type", `expected ${article(s.m)}, got null`);
      } else this.check(s.m, item, p, hidden);
    }
  }

  private size(s: { min?: number; max?: number }, n: number, path: string): void {
    if (s.min !== undefined && n < s.min) this.add(path, "size", `size ${n} < ${s.min}`);
    else if (s.max !== undefined && n > s.max) this.add(path, "size", `size ${n} > ${s.max}`);
  }

  private string(s: { min?: number; max?: number; pattern?: string }, v: string, path: string, hidden: boolean, what: string): void {
    if (!this.constraints) return;
    if (s.min !== undefined || s.max !== undefined) {
      const n = codePoints(v);
      if (s.min !== undefined && n < s.min) return this.add(path, "length", `${what}length ${n} < ${s.min}`);
      if (s.max !== undefined && n > s.max) return this.add(path, "length", `${what}length ${n} > ${s.max}`);
    }
    if (s.pattern !== undefined && !regex(s.pattern).test(v))
      this.add(path, "pattern", `${what}${hidden ? "value" : quote(v)} does not match the pattern ${s.pattern}`);
  }

  private enumValue(values: string[], v: string, path: string, hidden: boolean, what: string): void {
    if (!values.includes(v)) this.add(path, "enum", `${what}${hidden ? "value" : quote(v)} is not one of: ${values.join(", ")}`);
  }

  private range(s: { min?: number; max?: number }, v: number, path: string, hidden: boolean): void {
    if (!this.constraints) return;
    const shown = hidden ? "value" : `value ${v}`;
    if (s.min !== undefined && v < s.min) this.add(path, "range", `${shown} < ${s.min}`);
    else if (s.max !== undefined && v > s.max) this.add(path, "range", `${shown} > ${s.max}`);
  }
}

/** "a PipelineDeclaration", "an ActionDeclaration". */
const article = (name: string): string => (/^[AEIOU]/.test(name) ? "an " : "a ") + name;

/** The name `key` was probably meant to be: same letters in another case, or at most two edits away. */
export function suggest(key: string, names: string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const n of names) {
    if (n.toLowerCase() === lower) return n;
    const d = distance(lower, n.toLowerCase(), bestDistance);
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return Math.min(prev[b.length]!, limit);
}
