/**
 * How the stubber reports a mismatch: values rendered short and readable with sensitive members
 * hidden (along the model's shapes), and the differences between an expected and an actual input,
 * one line per path.
 */
import { shapes } from "../generated/shapes.js";

/** A value that decides itself whether it matches, like vitest's `expect.any(String)` or {@link ANY}. */
export interface Matcher {
  /** Returns `true` when `actual` matches. */
  asymmetricMatch(actual: unknown): boolean;
}

/** Items as an indented list for an error message (the first 25, then how many more). */
export const bullets = (items: string[]): string => {
  const shown = items.slice(0, 25).map((s) => `  - ${s.replace(/\n/g, "\n    ")}`);
  if (items.length > shown.length) shown.push(`  … and ${items.length - shown.length} more`);
  return shown.join("\n");
};

export const isMatcher = (v: unknown): v is Matcher =>
  typeof v === "object" && v !== null && typeof (v as Matcher).asymmetricMatch === "function";

const matcherText = (m: Matcher): string => {
  const t = (m as { toAsymmetricMatcher?: () => string }).toAsymmetricMatcher;
  return typeof t === "function" ? t.call(m) : String(m);
};

/** Secrets the model does not mark sensitive: never shown in messages either. */
const secretShape = (name: string): boolean => shapes[name]?.x === 1 || name === "WebhookAuthConfigurationSecretToken";
/** Action configuration keys whose values are secrets (such as an `OAuthToken`). */
const SECRET_KEY = /token|secret|password|credential/i;

/** The shape a member, item or map value of `shape` has, when known, and whether its value is secret. */
function childShape(shape: string | undefined, key: string | number): { t?: string; x: boolean } {
  const s = shape ? shapes[shape] : undefined;
  if (!s) return { x: false };
  if (s.k === "structure") {
    const m = s.m[key];
    return m ? { t: m.t, x: m.x === 1 || secretShape(m.t) } : { x: false };
  }
  if (s.k === "list") return { t: s.m, x: secretShape(s.m) };
  if (s.k === "map") return { t: s.m, x: secretShape(s.m) || (typeof key === "string" && SECRET_KEY.test(key)) };
  return { x: false };
}

const HIDDEN = "(sensitive value)";

/** A short, readable rendering of a value for messages; sensitive values along `shape` are hidden. */
export function show(v: unknown, shape?: string, hidden = false, depth = 0): string {
  if (hidden || (shape && secretShape(shape))) return v === undefined ? "undefined" : HIDDEN;
  if (v === undefined) return "undefined";
  if (isMatcher(v)) return matcherText(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (typeof v === "string") return JSON.stringify(v.length > 80 ? v.slice(0, 80) + "…" : v);
  if (typeof v !== "object" || v === null) return String(v);
  if (depth >= 3) return Array.isArray(v) ? "[…]" : "{…}";
  let out: string;
  if (Array.isArray(v)) out = `[${v.map((x, i) => show(x, childShape(shape, i).t, childShape(shape, i).x, depth + 1)).join(", ")}]`;
  else {
    const parts = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => {
        const c = childShape(shape, k);
        return `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${show(x, c.t, c.x, depth + 1)}`;
      });
    out = `{ ${parts.join(", ")} }`.replace("{  }", "{}");
  }
  return out.length > 300 ? out.slice(0, 300) + "…" : out;
}

export const plain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

/** The differences between the expected and the actual value, one line each, with paths. */
export function diff(exp: unknown, act: unknown, path: string, shape: string | undefined, hidden: boolean, out: string[]): void {
  const at = path || "input";
  if (isMatcher(exp)) {
    if (!exp.asymmetricMatch(act)) out.push(`${at}: expected ${matcherText(exp)}, got ${show(act, shape, hidden)}`);
    return;
  }
  if (exp === act || (exp == null && act == null)) return;
  const mismatch = (): void => void out.push(`${at}: expected ${show(exp, shape, hidden)}, got ${show(act, shape, hidden)}`);
  if (exp instanceof Date || act instanceof Date) {
    if (!(exp instanceof Date && act instanceof Date && exp.getTime() === act.getTime())) mismatch();
    return;
  }
  if (Array.isArray(exp)) {
    if (!Array.isArray(act)) return mismatch();
    for (let i = 0; i < Math.max(exp.length, act.length); i++) {
      const c = childShape(shape, i);
      const h = hidden || c.x;
      if (i >= act.length) out.push(`${path}[${i}]: missing item, expected ${show(exp[i], c.t, h)}`);
      else if (i >= exp.length) out.push(`${path}[${i}]: unexpected item ${show(act[i], c.t, h)}`);
      else diff(exp[i], act[i], `${path}[${i}]`, c.t, h, out);
    }
    return;
  }
  if (plain(exp)) {
    if (!plain(act)) return mismatch();
    const keys = new Set([...Object.keys(exp), ...Object.keys(act)]);
    for (const k of keys) {
      const [e, a] = [exp[k], act[k]];
      if (e === undefined && a === undefined) continue;
      const c = childShape(shape, k);
      const h = hidden || c.x;
      const p = /^[A-Za-z_$][\w$]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`;
      if (a == null && e != null && !isMatcher(e)) out.push(`${p}: missing, expected ${show(e, c.t, h)}`);
      else if (e == null && a != null) out.push(`${p}: not expected, got ${show(a, c.t, h)}`);
      else diff(e, a, p, c.t, h, out);
    }
    return;
  }
  if (!(typeof exp === "number" && typeof act === "number" && Number.isNaN(exp) && Number.isNaN(act))) mismatch();
}
