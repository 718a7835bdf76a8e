/** How errors are classified for retries, as the official client does. */
import type { RetryErrorType, SdkError } from "@smithy/types";

const THROTTLING_CODES = new Set([
  "BandwidthLimitExceeded", "EC2ThrottledException", "LimitExceededException", "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException", "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException",
  "SlowDown", "ThrottledException", "Throttling", "ThrottlingException", "TooManyRequestsException",
  "TransactionInProgressException",
]);
const TRANSIENT_NAMES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
/** The TypeError messages of failed fetches: browsers, React Native, undici, and mock servers such as msw. */
const FETCH_FAILURES = new Set([
  "Failed to fetch", "NetworkError when attempting to fetch resource", "The Internet connection appears to be offline",
  "Load failed", "Network request failed", "fetch failed", "Network error",
]);

const statusOf = (error: any): number | undefined => error.$metadata?.httpStatusCode ?? error.$response?.statusCode;

/** True for throttling: status 429, a throttling error code (CodePipeline's `LimitExceededException` included). */
export const isThrottlingError = (error: any): boolean =>
  !!error && (statusOf(error) === 429 || THROTTLING_CODES.has(error.name) || error.$retryable?.throttling === true);

/**
 * True for errors worth retrying as they are: timeouts, dropped or refused connections,
 * DNS hiccups, 500/502/503/504, a corrected clock skew, an expired signature, or a cause
 * that is one of these. Never for an `AbortError`.
 */
export function isTransientError(error: any, depth = 0): boolean {
  if (!error || typeof error !== "object" || error.name === "AbortError") return false;
  return (
    error.$retryable !== undefined ||
    error.$metadata?.clockSkewCorrected === true ||
    (error.name === "InvalidSignatureException" && String(error.message).includes("Signature expired")) ||
    TRANSIENT_NAMES.has(error.name) ||
    TRANSIENT_CODES.has(error.code) ||
    TRANSIENT_STATUS.has(statusOf(error) ?? 0) ||
    (error instanceof TypeError && FETCH_FAILURES.has(error.message.replace(/\.$/, ""))) ||
    (error.code === "ERR_HTTP2_STREAM_ERROR" && String(error.message).includes("NGHTTP2_REFUSED_STREAM")) ||
    (depth < 10 && error.cause !== undefined && isTransientError(error.cause, depth + 1))
  );
}

/** Classifies an error as the official client does: THROTTLING, TRANSIENT, SERVER_ERROR or CLIENT_ERROR. */
export function classifyError(error: SdkError | any): RetryErrorType {
  if (!error || typeof error !== "object") return "CLIENT_ERROR";
  if (isThrottlingError(error)) return "THROTTLING";
  if (isTransientError(error)) return "TRANSIENT";
  const status = statusOf(error);
  return status !== undefined && status >= 500 && status <= 599 ? "SERVER_ERROR" : "CLIENT_ERROR";
}
