import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2, RetryToken, SdkError } from "@smithy/types";

/** Capacity of the retry quota. */
export const INITIAL_RETRY_TOKENS = 500;
/** Quota cost of retrying a transient error and a throttling error. */
export const RETRY_COST = 14;
export const THROTTLING_RETRY_COST = 5;
/** Base backoff delays (ms) and their cap. */
export const BASE_DELAY = 50;
export const THROTTLING_BASE_DELAY = 1000;
export const MAX_DELAY = 20_000;

interface Token extends RetryToken {
  cost?: number;
  delay: number;
  count: number;
}

/**
 * The standard retry strategy: retries transient and throttling errors up to
 * `maxAttempts`, with full-jitter exponential backoff, out of a shared quota.
 * One instance can serve many clients so they share one retry budget.
 */
export class StandardRetryStrategy implements RetryStrategyV2 {
  readonly mode: string = "standard";
  #capacity = INITIAL_RETRY_TOKENS;
  #maxAttempts: () => Promise<number>;

  constructor(maxAttempts: number | (() => Promise<number>) = 3) {
    this.#maxAttempts = typeof maxAttempts === "number" ? () => Promise.resolve(maxAttempts) : maxAttempts;
  }

  /** Tokens left in the retry quota. */
  get capacity(): number {
    return this.#capacity;
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
      let delay = Math.floor(Math.random() * Math.min((throttling ? THROTTLING_BASE_DELAY : BASE_DELAY) * 2 ** count, MAX_DELAY));
      if (info.retryAfterHint) {
        const hint = info.retryAfterHint.getTime() - Date.now();
        delay = Math.max(delay, Math.min(hint, delay + 5000));
      }
      return token(count + 1, delay, cost);
    }
    throw new Error("No retry: the error is not retryable, attempts are used up or the retry quota is empty");
  }

  recordSuccess(t: RetryToken): void {
    this.#capacity = Math.min(INITIAL_RETRY_TOKENS, this.#capacity + ((t as Token).cost ?? 1));
  }

  /** The attempts this strategy allows per call. */
  maxAttempts(): Promise<number> {
    return this.#maxAttempts();
  }
}

const token = (count: number, delay: number, cost?: number): Token => ({
  count,
  delay,
  cost,
  getRetryCount: () => count,
  getRetryDelay: () => delay,
});

export const createRetryStrategy = (_mode: string, maxAttempts: number): RetryStrategyV2 =>
  new StandardRetryStrategy(maxAttempts);

const THROTTLING_CODES = new Set([
  "BandwidthLimitExceeded", "EC2ThrottledException", "LimitExceededException", "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException", "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException",
  "SlowDown", "ThrottledException", "Throttling", "ThrottlingException", "TooManyRequestsException",
  "TransactionInProgressException",
]);
const TRANSIENT_NAMES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

/** Classifies an error as the official client does. */
export function classifyError(error: SdkError | any, depth = 0): RetryErrorType {
  if (!error || depth > 5) return "CLIENT_ERROR";
  const status = error.$metadata?.httpStatusCode ?? error.$response?.statusCode;
  if (status === 429 || THROTTLING_CODES.has(error.name) || error.$retryable?.throttling) return "THROTTLING";
  if (error.name === "AbortError") return "CLIENT_ERROR";
  if (
    error.$retryable ||
    error.$metadata?.clockSkewCorrected ||
    (error.name === "InvalidSignatureException" && /Signature expired/.test(error.message)) ||
    TRANSIENT_NAMES.has(error.name) ||
    TRANSIENT_CODES.has(error.code) ||
    TRANSIENT_STATUS.has(status) ||
    (error.name === "TypeError" && /fetch|network|load failed/i.test(error.message)) ||
    /REFUSED_STREAM/.test(error.code ?? "")
  )
    return "TRANSIENT";
  if (error.cause) {
    const inner = classifyError(error.cause, depth + 1);
    if (inner !== "CLIENT_ERROR") return inner;
  }
  return status >= 500 || error.$fault === "server" ? "SERVER_ERROR" : "CLIENT_ERROR";
}
