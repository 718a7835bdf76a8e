/**
 * `codepipeline-client/retry`: the adaptive retry strategy and its rate limiter, for sharing one
 * instance between clients (`retryStrategy`) or tuning the limiter. `retryMode: "adaptive"` needs
 * no import; the client loads the strategy itself.
 * @module
 */
import { StandardRetryStrategy } from "./strategy.js";
import { classifyError } from "./classify.js";
import { setup } from "./adaptive.js";

// hands the classes the request path's pieces (package.json lists this entry's files as having side effects).
// Errors are classified by classify.ts itself (what the failure module's classifyError calls): going through the
// failure loader would bring the runtime into a chunk this entry shares with the main one, and bundlers then keep
// the browser runtime's unused branches in every app.
setup({ Standard: StandardRetryStrategy, failure: async () => ({ classifyError }) });

export { AdaptiveRetryStrategy, RateLimiter, type AdaptiveRetryStrategyOptions, type RateLimiterOptions } from "./adaptive.js";
