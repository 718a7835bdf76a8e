import { NO_LOGGER } from "../config.js";
import { runtime } from "../runtime.js";
import type { CallContext, CallMiddleware, InputArgs } from "./types.js";

const noopInfo = NO_LOGGER.info;

/**
 * initialize: one log entry per call, once retries are over: `info` with the output or
 * `error` with the error, each with the client and command names, the input and
 * `$metadata`. Sensitive values (the job's artifact credentials) are replaced by
 * `***SensitiveInformation***`; the returned output is not changed. A logger that
 * throws never fails the call. The logging code is in log.ts, which browsers load at the
 * first call of a client that has a logger (with failure.ts, in one chunk).
 */
export const loggerMiddleware: CallMiddleware<InputArgs> = (next, context) => async (args) => {
  const { logger } = context as CallContext;
  if (!logger || (logger.info === noopInfo && logger.error === noopInfo)) return next(args);
  return (await runtime.log()).logCall(next, args, context as CallContext);
};
