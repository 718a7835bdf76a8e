/**
 * `codepipeline-client/retry`: the adaptive retry strategy and its rate limiter, for sharing one
 * instance between clients (`retryStrategy`) or tuning the limiter. `retryMode: "adaptive"` needs
 * no import; the client loads the strategy itself.
 * @module
 */
import { StandardRetryStrategy } from "./strategy.js";
import { failure } from "../lazy.js";
import { setup } from "./adaptive.js";

// hands the classes the request path's pieces (package.json lists this entry's files as having side effects)
setup({ Standard: StandardRetryStrategy, failure });

export { AdaptiveRetryStrategy, RateLimiter, type AdaptiveRetryStrategyOptions, type RateLimiterOptions } from "./adaptive.js";
