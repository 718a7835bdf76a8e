import type { HttpResponse } from "@smithy/types";
import { parseError, parseOutput, responseMetadata } from "../protocol.js";
import type { CallContext, CallMiddleware, RequestArgs, TransportResult } from "./types.js";

/** deserialize: the output, or the typed error. */
export const deserializerMiddleware = (): CallMiddleware<RequestArgs, TransportResult> => (next, ctx) => async (args) => {
  const context = ctx as CallContext;
  const response = (await next(args)).response as HttpResponse;
  const bytes = response.body as Uint8Array;
  const $metadata = responseMetadata(response);
  if (response.statusCode >= 300) throw parseError(bytes, response, context.operation, $metadata);
  return { response, output: parseOutput(bytes, response, context.operation, $metadata) };
};
