import type { Provider, RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";

/** Capacity of the retry quota (tokens). */
export const INITIAL_RETRY_TOKENS = 500;
/** Quota cost of retrying a transient error. */
export const RETRY_COST = 14;
/** Quota cost of retrying a throttling error. */
export const THROTTLING_RETRY_COST = 5;
/** Tokens a call that succeeded at its first attempt gives back to the quota. */
export const NO_RETRY_INCREMENT = 1;
/** Base backoff delay (ms) after a transient error. */
export const BASE_DELAY = 50;
/** Base backoff delay (ms) after a throttling error. */
export const THROTTLING_BASE_DELAY = 1000;
/** Longest backoff delay (ms). */
export const MAX_DELAY = 20_000;
/** A `Retry-After` hint may lengthen a backoff delay by at most this much (ms). */
export const MAX_RETRY_AFTER_EXTRA = 5_000;
/** Default `maxAttempts`. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** The token our strategies hand out: v3's `StandardRetryToken` shape. */
export interface StandardRetryToken extends RetryToken {
  /** Quota tokens this retry took; given back when the call succeeds. */
  getRetryCost(): number | undefined;
}

const token = (count: number, delay: number, cost?: number): StandardRetryToken => ({
  getRetryCount: () => count,
  getRetryDelay: () => delay,
  getRetryCost: () => cost,
});

/** Options of `new StandardRetryStrategy(options)`. */
export interface StandardRetryStrategyOptions {
  /** Total attempts per call, the first included. Default 3. */
  maxAttempts?: number | Provider<number>;
}

/**
 * The standard retry strategy (v3 `RetryStrategyV2`): retries throttling and transient
 * errors up to `maxAttempts`, with full-jitter exponential backoff (base 50 ms, or
 * 1 s after throttling, at most 20 s), honouring `Retry-After` hints, out of a retry
 * quota of 500 tokens (a retry costs 14, or 5 after throttling; a success gives the
 * cost back, or 1 token when the call was not retried).
 *
 * The quota belongs to the instance: pass one instance to several clients
 * (`retryStrategy`) and they share one retry budget, so an outage makes all of them
 * stop retrying together instead of multiplying the load.
 *
 * The strategy never sleeps: the delay it returns is waited by the client, which
 * stops waiting at once when the call is aborted.
 */
export class StandardRetryStrategy implements RetryStrategyV2 {
  /** The retry mode this strategy implements: `"standard"`. */
  readonly mode: string = "standard";
  #capacity = INITIAL_RETRY_TOKENS;
  #maxAttempts: Provider<number>;

  constructor(maxAttempts: number | Provider<number> | StandardRetryStrategyOptions = DEFAULT_MAX_ATTEMPTS) {
    const m = typeof maxAttempts === "object" ? maxAttempts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS : maxAttempts;
    this.#maxAttempts = typeof m === "number" ? () => Promise.resolve(m) : m;
  }

  /** Tokens left in the retry quota. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Tokens left in the retry quota (v3 name). */
  getCapacity(): number {
    return this.#capacity;
  }

  /** The attempts this strategy allows per call. */
  maxAttempts(): Promise<number> {
    return this.#maxAttempts();
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const max = await this.#maxAttempts();
    const count = previous.getRetryCount();
    const throttling = info.errorType === "THROTTLING";
    const cost = throttling ? THROTTLING_RETRY_COST : RETRY_COST;
    if ((throttling || info.errorType === "TRANSIENT") && count + 1 < max && this.#capacity >= cost) {
      this.#capacity -= cost;
      return token(count + 1, backoffDelay(count, throttling, info.retryAfterHint), cost);
    }
    throw new Error("No retry: the error is not retryable, the attempts are used up or the retry quota is empty");
  }

  recordSuccess(t: RetryToken): void {
    const cost = (t as Partial<StandardRetryToken>).getRetryCost?.();
    this.#capacity = Math.min(INITIAL_RETRY_TOKENS, this.#capacity + (cost ?? NO_RETRY_INCREMENT));
  }
}

/**
 * The wait (ms) before retry number `retriesSoFar + 1`: a random value between 0 and
 * `min(base × 2^retriesSoFar, 20 s)`; a `Retry-After` hint lengthens it to the hinted
 * time, by at most 5 s.
 */
export function backoffDelay(retriesSoFar: number, throttling: boolean, retryAfter?: Date): number {
  const base = throttling ? THROTTLING_BASE_DELAY : BASE_DELAY;
  const delay = Math.floor(Math.random() * Math.min(base * 2 ** retriesSoFar, MAX_DELAY));
  if (!(retryAfter instanceof Date) || Number.isNaN(retryAfter.getTime())) return delay;
  return Math.max(delay, Math.min(retryAfter.getTime() - Date.now(), delay + MAX_RETRY_AFTER_EXTRA));
}
