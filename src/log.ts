/**
 * Logging of calls, loaded at the first call of a client that has a logger (see
 * middleware/01-logger.ts), so clients without one never load it. Browsers load it with failure.ts,
 * which re-exports it.
 */
import type { ShapeHints } from "./operation.js";
import type { CallContext, CallHandler, CallResult, InputArgs } from "./middleware/types.js";

/** What stands for a sensitive value in logs and error messages. */
export const SENSITIVE = "***SensitiveInformation***";

/** A copy of `value` with every sensitive value along `hints` replaced, for logs. */
export function redact(value: any, hints: ShapeHints | undefined): any {
  if (value == null || !hints || hints === 1) return value;
  if (hints === 2) return SENSITIVE;
  if (typeof value !== "object") return value;
  if (Array.isArray(hints)) return Array.isArray(value) ? value.map((v) => redact(v, hints[0])) : value;
  const h = hints as { [k: string]: ShapeHints };
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = redact(value[k], h["*"] ?? h[k]);
  return out;
}

/**
 * Runs the rest of the call and logs it once retries are over: `info` with the output or
 * `error` with the error, each with the client and command names, the input and `$metadata`,
 * sensitive values redacted. A logger that throws never fails the call.
 */
export async function logCall(next: CallHandler<InputArgs>, args: InputArgs, context: CallContext): Promise<CallResult> {
  const { logger, clientName, commandName, operation } = context;
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
}
