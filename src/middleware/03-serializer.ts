import type { HttpRequest } from "@smithy/types";
import type { ResolvedConfig } from "../config.js";
import { getSettings } from "../settings.js";
import { serializeBody } from "../protocol.js";
import { CONTENT_TYPE, TARGET_PREFIX } from "../generated/service.js";
import type { CallContext, CallMiddleware, InputArgs, RequestArgs } from "./types.js";

/** serialize: the HTTP request, with the JSON body, for the endpoint in the context. */
export const serializerMiddleware = (config: ResolvedConfig): CallMiddleware<InputArgs> => (next, ctx) => async (args) => {
  const context = ctx as CallContext;
  const url = (context.endpointV2 ?? (await getSettings(config)).endpoint).url;
  const request: HttpRequest = {
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname.endsWith("/") ? url.pathname : url.pathname + "/",
    query: {},
    headers: { "content-type": CONTENT_TYPE, "x-amz-target": TARGET_PREFIX + context.operation.n },
    body: serializeBody(args.input, context.operation),
  };
  const withRequest: RequestArgs = { ...args, request };
  return next(withRequest);
};
