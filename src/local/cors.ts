/**
 * CORS for the local endpoint, so that a page served from another origin (a Vite dev server, a test page) can call
 * it with `fetch`. Off unless asked for: the endpoint then answers a preflight with an error that says how to turn
 * it on.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Which page origins may call the local endpoint from a browser:
 * - `true` or `"*"`: any origin (meant for an endpoint on loopback);
 * - an origin such as `"http://localhost:5173"`, or a list of them: only those.
 */
export type LocalCorsOption = boolean | string | readonly string[];

/** Headers the browser may read from a response: the request id, the error type and the clock-skew `Date`. */
const EXPOSED = "x-amzn-requestid, x-amzn-errortype, date";
/** How long a browser may cache a preflight answer, in seconds. */
const MAX_AGE = "600";

/** The allowed origins, `"*"` for any, or `undefined` when CORS is off. */
export function corsOrigins(option: LocalCorsOption | undefined): "*" | Set<string> | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true || option === "*") return "*";
  const list = typeof option === "string" ? [option] : [...option];
  if (list.includes("*")) return "*";
  for (const origin of list)
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]+$/i.test(origin))
      throw new TypeError(`cors origins look like "http://localhost:5173" (scheme, host, optional port, no path), got ${JSON.stringify(origin)}`);
  return new Set(list.map((o) => o.toLowerCase()));
}

/**
 * Adds the CORS response headers for an allowed origin, and answers a preflight (`OPTIONS` with
 * `Access-Control-Request-Method`). Returns a log line when it answered the request itself, else `undefined`
 * and the request goes on to the API.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: "*" | Set<string> | undefined): string | undefined {
  const origin = req.headers.origin;
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  if (!allowed) {
    if (!preflight) return undefined;
    return refuse(res, "CORS is off: start the local endpoint with the cors option (or --cors) to let browser pages call it.");
  }
  const ok = origin !== undefined && (allowed === "*" || allowed.has(origin.toLowerCase()));
  if (ok) {
    // The origin is echoed rather than "*", so that requests made with credentials work too.
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("access-control-expose-headers", EXPOSED);
  }
  res.setHeader("vary", "origin");
  if (!preflight) return undefined;
  if (!ok) return refuse(res, `The origin ${JSON.stringify(origin ?? "")} is not among the local endpoint's allowed cors origins.`);
  res.setHeader("access-control-allow-methods", "POST, OPTIONS");
  const asked = req.headers["access-control-request-headers"];
  if (asked) res.setHeader("access-control-allow-headers", asked);
  // Chromium asks before a public page may reach a loopback address.
  if (req.headers["access-control-request-private-network"] === "true") res.setHeader("access-control-allow-private-network", "true");
  res.setHeader("access-control-max-age", MAX_AGE);
  res.writeHead(204);
  res.end();
  return "OPTIONS 204 (CORS preflight)";
}

function refuse(res: ServerResponse, message: string): string {
  const json = JSON.stringify({ message });
  res.writeHead(403, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
  return `OPTIONS 403 ${message}`;
}
