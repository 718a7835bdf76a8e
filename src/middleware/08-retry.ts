import type { HttpRequest, ResponseMetadata, RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";
import type { ResolvedConfig } from "../config.js";
import { getSettings } from "../settings.js";
import { failure } from "../lazy.js";
import { abortError, raceAbort, sleep, type SignalLike } from "../abort.js";
import type { CallContext, CallHandler, CallMiddleware, CallResult, RequestArgs } from "./types.js";

/** Any thrown value as an Error object. */
const asError = (e: unknown): any =>
  e !== null && typeof e === "object" ? e : new Error(typeof e === "string" ? e : "A non-error value was thrown", { cause: e });

interface LegacyRetryStrategy {
  retry(next: CallHandler, args: RequestArgs): Promise<CallResult>;
}

/**
 * finalizeRequest: runs attempts until one succeeds or the strategy refuses.
 * Each attempt gets `amz-sdk-request: attempt=N; max=M` and is signed again by the
 * next middleware. Aborting the call's signal ends it at once, also during a backoff
 * wait or while a rate limiter holds the attempt; no attempt starts after that.
 */
export const retryMiddleware = (config: ResolvedConfig): CallMiddleware => (next, context) => async (args) => {
  const settings = await getSettings(config);
  const strategy = settings.retryStrategy as RetryStrategyV2 & Partial<LegacyRetryStrategy> & { maxAttempts?: () => Promise<number> };
  if (typeof strategy.acquireInitialRetryToken !== "function" && typeof strategy.retry === "function") return strategy.retry(next, args);
  const signal = (context as CallContext).options?.abortSignal as SignalLike | undefined;
  let maxAttempts = settings.maxAttempts;
  if (config.retryStrategy && typeof strategy.maxAttempts === "function") {
    const own = await Promise.resolve()
      .then(() => strategy.maxAttempts!())
      .catch(() => undefined);
    if (Number.isInteger(own) && own! > 0) maxAttempts = own!;
  }
  let attempts = 0;
  let totalRetryDelay = 0;
  /** Records the attempts and the time spent backing off on a result's or an error's `$metadata`. */
  const record = (md: ResponseMetadata) => {
    md.attempts = attempts;
    md.totalRetryDelay = totalRetryDelay;
  };
  const fail = (e: unknown) => {
    const error = asError(e);
    try {
      record(error.$metadata && typeof error.$metadata === "object" ? error.$metadata : (error.$metadata = {}));
    } catch {
      // a frozen error from custom middleware stays as it is
    }
    return error;
  };
  const aborted = (e?: any) => fail(e?.name === "AbortError" ? e : abortError(signal));

  if (signal?.aborted) throw aborted();
  let token: RetryToken;
  try {
    token = await raceAbort(strategy.acquireInitialRetryToken(""), signal);
  } catch (e) {
    throw signal?.aborted ? aborted(e) : fail(e);
  }
  const request = args.request as HttpRequest;
  for (;;) {
    if (signal?.aborted) throw aborted();
    attempts++;
    // a spread, not Object.assign: the copy keeps fast properties, which the signer and node:http read many times
    const headers = { ...request.headers, "amz-sdk-request": `attempt=${attempts}; max=${maxAttempts}` };
    let out: CallResult | undefined;
    let error: any;
    try {
      out = await next({ ...args, request: { ...request, headers } });
    } catch (e) {
      error = asError(e);
    }
    if (!error) {
      strategy.recordSuccess(token);
      const md = out?.output?.$metadata;
      if (md) record(md);
      return out!;
    }
    if (signal?.aborted) throw aborted(error);
    try {
      // classification and the Retry-After hint are in failure.ts, loaded at the first failure
      const f = await raceAbort(failure(), signal);
      const info: RetryErrorInfo = { error, errorType: f.classifyError(error) };
      const hint = f.retryAfterHint(error.$response);
      if (hint) info.retryAfterHint = hint;
      token = await raceAbort(strategy.refreshRetryTokenForRetry(token, info), signal);
      // Strategies from @smithy/util-retry wait inside refreshRetryTokenForRetry and log it.
      totalRetryDelay += (token as { $retryLog?: { acquisitionDelay?: number } }).$retryLog?.acquisitionDelay ?? 0;
      const delay = token.getRetryDelay();
      if (delay > 0) {
        await sleep(delay, signal); // rejects only when the signal aborts
        totalRetryDelay += delay;
      }
    } catch (e) {
      throw signal?.aborted ? aborted(e) : fail(error);
    }
  }
};
