import type { RetryStrategyV2 } from "@smithy/types";
import { ConfigurationError } from "../errors.js";
import { StandardRetryStrategy } from "./strategy.js";
import { runtime } from "../runtime.js";
import { failure } from "../lazy.js";

/** The strategy for a `retryMode`; the adaptive one is loaded when first asked for (a lazy chunk in browser apps that split code). */
export async function createRetryStrategy(mode: string, maxAttempts: number): Promise<RetryStrategyV2> {
  if (mode === "adaptive") return new ((await runtime.adaptive()).setup({ Standard: StandardRetryStrategy, failure }).AdaptiveRetryStrategy)(maxAttempts);
  if (mode === "standard" || mode === "legacy") return new StandardRetryStrategy(maxAttempts);
  throw new ConfigurationError(`retryMode must be "standard" or "adaptive", got ${JSON.stringify(mode)}`);
}
