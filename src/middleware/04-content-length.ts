import type { HttpRequest } from "@smithy/types";
import { hasHeader } from "./headers.js";
import type { CallMiddleware } from "./types.js";

const utf8Length = (s: string): number => (/[^\x00-\x7f]/.test(s) ? new TextEncoder().encode(s).length : s.length);

/** build: `content-length` from the body, unless a header says it already. */
export const contentLengthMiddleware: CallMiddleware = (next) => (args) => {
  const request = args.request as HttpRequest | undefined;
  const body = request?.body as string | Uint8Array | undefined;
  if (request && body != null && !hasHeader(request.headers, "content-length"))
    request.headers["content-length"] = String(typeof body === "string" ? utf8Length(body) : body.byteLength);
  return next(args);
};
