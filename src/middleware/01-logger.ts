import { NO_LOGGER } from "../config.js";
import { redact } from "../protocol.js";
import type { CallContext, CallMiddleware, CallResult, InputArgs } from "./types.js";

const noopInfo = NO_LOGGER.info;

/**
 * initialize: one log entry per call, once retries are over: `info` with the output or
 * `error` with the error, each with the client and command names, the input and
 * `$metadata`. Sensitive values (the job's artifact credentials) are replaced by
 * `***SensitiveInformation***`; the returned output is not changed. A logger that
 * throws never fails the call.
 */
export const loggerMiddleware = (): CallMiddleware<InputArgs> => (next, context) => async (args) => {
  const { logger, clientName, commandName, operation } = context as CallContext;
  if (!logger || (logger.info === noopInfo && logger.error === noopInfo)) return next(args);
  const input = redact(args.input, operation.input);
  let out: CallResult;
  try {
    out = await next(args);
  } catch (error: any) {
    try {
      logger.error?.({ clientName, commandName, input, error, metadata: error?.$metadata });
    } catch {}
    throw error;
  }
  try {
    const { $metadata, ...output } = out.output ?? {};
    logger.info?.({ clientName, commandName, input, output: redact(output, operation.output), metadata: $metadata });
  } catch {}
  return out;
};
