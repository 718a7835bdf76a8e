import type { HttpRequest } from "@smithy/types";
import { hasHeader } from "./headers.js";
import type { CallMiddleware } from "./types.js";

/** build: inside AWS Lambda, passes the function's trace id on in `X-Amzn-Trace-Id` (unless set already). */
export const recursionDetectionMiddleware = (): CallMiddleware => (next) => (args) => {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const request = args.request as HttpRequest | undefined;
  // one process.env lookup (a call into the runtime) outside Lambda
  const traceId = env?.AWS_LAMBDA_FUNCTION_NAME && env._X_AMZN_TRACE_ID;
  if (request && traceId && !hasHeader(request.headers, "x-amzn-trace-id")) request.headers["X-Amzn-Trace-Id"] = traceId;
  return next(args);
};
