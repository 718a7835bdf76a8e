import type { HttpRequest } from "@smithy/types";
import type { ResolvedConfig } from "../config.js";
import { getSettings } from "../settings.js";
import { serializeBody } from "../protocol.js";
import { CONTENT_TYPE, TARGET_PREFIX } from "../generated/service.js";
import type { CallContext, CallMiddleware, InputArgs, RequestArgs } from "./types.js";

type UrlParts = Pick<HttpRequest, "protocol" | "hostname" | "port" | "path">;
const parts = new WeakMap<URL, UrlParts>();

/** The request fields of an endpoint URL, worked out once per URL object (URL getters cost several µs a call). */
const urlParts = (url: URL): UrlParts => {
  let p = parts.get(url);
  if (!p || p.hostname !== url.hostname || p.protocol !== url.protocol) {
    const path = url.pathname;
    p = { protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: path.endsWith("/") ? path : path + "/" };
    parts.set(url, p);
  }
  return p;
};

/** serialize: the HTTP request, with the JSON body, for the endpoint in the context. */
export const serializerMiddleware = (config: ResolvedConfig): CallMiddleware<InputArgs> => (next, ctx) => async (args) => {
  const context = ctx as CallContext;
  const { protocol, hostname, port, path } = urlParts((context.endpointV2 ?? (await getSettings(config)).endpoint).url);
  const request: HttpRequest = {
    method: "POST",
    protocol,
    hostname,
    port,
    path,
    query: {},
    headers: { "content-type": CONTENT_TYPE, "x-amz-target": TARGET_PREFIX + context.operation.name },
    body: serializeBody(args.input, context.operation),
  };
  const withRequest: RequestArgs = { ...args, request };
  return next(withRequest);
};
