import type { HttpRequest, RetryToken } from "@smithy/types";
import type { ResolvedConfig } from "../config.js";
import { getSettings } from "../settings.js";
import { classifyError } from "../retry/strategy.js";
import { AbortError } from "../errors.js";
import type { CallContext } from "./index.js";

/** Waits `ms`, or rejects with AbortError as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export const abortError = () => new AbortError("Request aborted");

const retryAfter = (error: any): Date | undefined => {
  const h = error?.$response?.headers;
  if (!h) return undefined;
  const ms = h["x-amz-retry-after"];
  if (ms !== undefined && !Number.isNaN(Number(ms))) return new Date(Date.now() + Number(ms));
  const v = h["retry-after"];
  if (v === undefined) return undefined;
  const s = Number(v);
  const d = Number.isNaN(s) ? new Date(v) : new Date(Date.now() + s * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/**
 * finalizeRequest: runs attempts until one succeeds or the strategy refuses.
 * Each attempt gets `amz-sdk-request` and is signed again by the next middleware.
 */
export const retryMiddleware = (config: ResolvedConfig) => (next: (args: any) => Promise<any>, context: CallContext) => async (args: any) => {
  const { retryStrategy, maxAttempts } = await getSettings(config);
  const signal = context.options?.abortSignal as AbortSignal | undefined;
  let token: RetryToken = await retryStrategy.acquireInitialRetryToken("codepipeline");
  let attempts = 0;
  let totalRetryDelay = 0;
  const request = args.request as HttpRequest;
  for (;;) {
    if (signal?.aborted) throw abortError();
    attempts++;
    const attemptRequest = { ...request, headers: { ...request.headers, "amz-sdk-request": `attempt=${attempts}; max=${maxAttempts}` } };
    try {
      const out = await next({ ...args, request: attemptRequest });
      retryStrategy.recordSuccess(token);
      if (out.output?.$metadata) Object.assign(out.output.$metadata, { attempts, totalRetryDelay });
      return out;
    } catch (error: any) {
      const errorType = classifyError(error);
      try {
        token = await retryStrategy.refreshRetryTokenForRetry(token, { error, errorType, retryAfterHint: retryAfter(error) });
      } catch {
        if (error && typeof error === "object") error.$metadata = { ...error.$metadata, attempts, totalRetryDelay };
        throw error;
      }
      const delay = token.getRetryDelay();
      totalRetryDelay += delay;
      await sleep(delay, signal);
    }
  }
};
