import type { HttpResponse, ResponseMetadata } from "@smithy/types";

/** Fields every error this client throws may carry. */
interface ErrorExtras {
  $metadata?: ResponseMetadata;
  cause?: unknown;
}

/** Defines an Error subclass with a fixed `name`, so errors can be told apart without `instanceof`. */
const named = <N extends string>(name: N) =>
  class extends Error {
    /** The class's own name, e.g. `"TimeoutError"`; compare it when `instanceof` is not an option. */
    override readonly name: N = name;
    /** Status, request id and attempt count of the call, when the error came after at least one attempt. */
    $metadata?: ResponseMetadata;
    constructor(message: string, extras: ErrorExtras = {}) {
      super(message, extras.cause === undefined ? undefined : { cause: extras.cause });
      this.$metadata = extras.$metadata; // the field is there (undefined) either way
    }
  };

/** A configuration value is missing or invalid (region, endpoint, credentials source...). */
export class ConfigurationError extends /* @__PURE__ */ named("ConfigurationError") {}

/** No credentials could be found or loaded. */
export class CredentialsProviderError extends /* @__PURE__ */ named("CredentialsProviderError") {}

/**
 * A request attempt took longer than the connection or request timeout. Retryable.
 * When retries are used up, `$metadata.attempts` says how many attempts were made.
 */
export class TimeoutError extends /* @__PURE__ */ named("TimeoutError") {}

/** The call was cancelled through its abort signal. `cause` is the signal's reason. */
export class AbortError extends /* @__PURE__ */ named("AbortError") {}

/**
 * The request never got an HTTP response, or the response was cut off: connection
 * refused or reset, DNS failure, TLS failure... `code` is the system error code
 * (e.g. `ECONNRESET`) and `cause` the original error. Retryable when the code is.
 */
export class NetworkError extends /* @__PURE__ */ named("NetworkError") {
  /** System error code of the cause, e.g. `ECONNRESET`, `ECONNREFUSED`, `ENOTFOUND`. */
  code?: string;
}

/**
 * A response could not be read: for example a success body that is not valid JSON.
 * Keeps the HTTP status, the request id and the start of the body.
 */
export class DeserializationError extends /* @__PURE__ */ named("DeserializationError") {
  /** The HTTP response whose body could not be read. */
  declare readonly $response?: HttpResponse;
  /** The first characters of the body that could not be parsed. */
  bodySnippet?: string;
}

/** The input failed client-side checks before anything was sent. */
export class InputError extends /* @__PURE__ */ named("InputError") {}
