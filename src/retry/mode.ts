import type { RetryStrategyV2 } from "@smithy/types";
import { ConfigurationError } from "../errors.js";
import { StandardRetryStrategy } from "./strategy.js";
import { AdaptiveRetryStrategy } from "./adaptive.js";

/** The strategy for a `retryMode`. */
export function createRetryStrategy(mode: string, maxAttempts: number): RetryStrategyV2 {
  if (mode === "adaptive") return new AdaptiveRetryStrategy(maxAttempts);
  if (mode === "standard" || mode === "legacy") return new StandardRetryStrategy(maxAttempts);
  throw new ConfigurationError(`retryMode must be "standard" or "adaptive", got ${JSON.stringify(mode)}`);
}

