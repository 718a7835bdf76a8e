import type { HttpRequest } from "@smithy/types";
import { hasHeader } from "./headers.js";
import type { CallMiddleware } from "./types.js";

/**
 * build: inside AWS Lambda, passes the function's trace id on in `X-Amzn-Trace-Id` (unless set already).
 * Lambda sets `AWS_LAMBDA_FUNCTION_NAME` before the function's code runs, so it is read at the first call
 * only (a `process.env` read costs about a microsecond); `_X_AMZN_TRACE_ID` changes per invocation and is
 * read on every call inside Lambda.
 */
export const recursionDetectionMiddleware = (): CallMiddleware => {
  let lambda: unknown;
  return (next) => (args) => {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const request = args.request as HttpRequest | undefined;
    const traceId = (lambda ??= !!env?.AWS_LAMBDA_FUNCTION_NAME) && env?._X_AMZN_TRACE_ID;
    if (request && traceId && !hasHeader(request.headers, "x-amzn-trace-id")) request.headers["X-Amzn-Trace-Id"] = traceId;
    return next(args);
  };
};
