import type { HttpRequest } from "@smithy/types";
import type { CallMiddleware } from "./types.js";

/** build: `host` from the request's hostname and port, unless set already. */
export const hostHeaderMiddleware: CallMiddleware = (next) => (args) => {
  const request = args.request as HttpRequest | undefined;
  if (request && !request.headers.host) request.headers.host = request.hostname + (request.port ? `:${request.port}` : "");
  return next(args);
};
