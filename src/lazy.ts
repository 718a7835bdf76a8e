/**
 * The failure handling module (failure.ts), set up with the request path's classes and helpers.
 * Browsers load it at the first failure (runtime/browser.ts), so apps that split code keep it out
 * of their start-up bundle.
 */
import { CodePipelineServiceException, errorName } from "./exception.js";
import { DeserializationError, NetworkError } from "./errors.js";
import { headerValue } from "./middleware/headers.js";
import { runtime } from "./runtime.js";
import type { Failure } from "./failure.js";

export const failure = (): Promise<Failure> =>
  runtime.failure().then((m) =>
    m.setup({
      Base: CodePipelineServiceException,
      errorName,
      Deserialization: DeserializationError,
      Network: NetworkError,
      header: headerValue,
      fetchHint: runtime.fetchFailureHint,
    }),
  );
