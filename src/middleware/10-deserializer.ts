import type { HttpResponse } from "@smithy/types";
import { parseOutput, responseMetadata } from "../protocol.js";
import { failure } from "../lazy.js";
import type { CallContext, CallMiddleware, RequestArgs, TransportResult } from "./types.js";

/** deserialize: the output, or the typed error (built by failure.ts, loaded at the first failure). */
export const deserializerMiddleware: CallMiddleware<RequestArgs, TransportResult> = (next, ctx) => async (args) => {
  const context = ctx as CallContext;
  const response = (await next(args)).response as HttpResponse;
  const bytes = response.body as Uint8Array;
  const $metadata = responseMetadata(response);
  if (response.statusCode >= 300) throw (await failure()).parseError(bytes, response, context.operation, $metadata);
  try {
    return { response, output: parseOutput(bytes, response, context.operation, $metadata) };
  } catch (e) {
    if (!Array.isArray(e)) throw e;
    throw (await failure()).deserializationError(e as [string, string, unknown?], response, $metadata);
  }
};
