/**
 * Adaptive retry (`retryMode: "adaptive"`, and `codepipeline-client/retry`). Browsers load it when a
 * client in adaptive mode resolves its settings, in a chunk of its own when the app's bundler splits
 * code. It imports nothing the request path uses: the standard strategy and the error classification
 * (the failure module, or classify.ts) come in through `setup`, so a bundler puts all of it in that chunk.
 */
import type { Provider, RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";
import type { StandardRetryStrategy } from "./strategy.js";
import type { Failure } from "../failure.js";

/** The request path's pieces this module uses. */
export interface AdaptiveKit {
  Standard: typeof StandardRetryStrategy;
  failure: () => Promise<Pick<Failure, "classifyError">>;
}

let K: AdaptiveKit;

/** Called with the request path's pieces (by the loader and by `codepipeline-client/retry`); returns this module's classes. */
export const setup = (kit: AdaptiveKit) => ((K = kit), { AdaptiveRetryStrategy, RateLimiter });

/** Tuning of the adaptive rate limiter; the defaults are the official client's. */
export interface RateLimiterOptions {
  /** Factor the send rate is multiplied by on throttling. Default 0.7. */
  beta?: number;
  /** Lowest bucket capacity (tokens). Default 1. */
  minCapacity?: number;
  /** Lowest fill rate (tokens per second). Default 0.5. */
  minFillRate?: number;
  /** Scale of the cubic growth after throttling. Default 0.4. */
  scaleConstant?: number;
  /** Weight of the newest sample in the measured send rate. Default 0.8. */
  smooth?: number;
}

const seconds = () => Date.now() / 1000;
const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Client-side rate limiting with a CUBIC-controlled token bucket. Off until the first
 * throttling error; from then on every attempt takes one token. A throttle cuts the
 * allowed rate to `beta` × the measured rate; each success grows it back along a cubic
 * curve centred on the rate at the last throttle. The rate never exceeds twice the
 * measured send rate.
 */
export class RateLimiter {
  readonly #beta: number;
  readonly #minCapacity: number;
  readonly #minFillRate: number;
  readonly #scale: number;
  readonly #smooth: number;
  #enabled = false;
  #tokens = 0;
  #capacity: number;
  #fillRate: number;
  #lastRefill = 0;
  #lastMaxRate = 0;
  #lastThrottle: number;
  #window = 0;
  #measuredRate = 0;
  #sent = 0;
  #bucket: number;

  constructor(options: RateLimiterOptions = {}) {
    this.#beta = options.beta ?? 0.7;
    this.#minCapacity = options.minCapacity ?? 1;
    this.#minFillRate = options.minFillRate ?? 0.5;
    this.#scale = options.scaleConstant ?? 0.4;
    this.#smooth = options.smooth ?? 0.8;
    this.#capacity = this.#minCapacity;
    this.#fillRate = this.#minFillRate;
    this.#lastThrottle = seconds();
    this.#bucket = Math.floor(seconds());
  }

  /** True once a throttling error has switched the bucket on. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Tokens per second the bucket refills at: the allowed send rate. */
  get fillRate(): number {
    return this.#fillRate;
  }

  /** The smoothed rate (per second) at which attempts were recently sent. */
  get measuredRate(): number {
    return this.#measuredRate;
  }

  /** Waits until an attempt may be sent, and takes its token. Returns at once while disabled. */
  async acquire(amount = 1): Promise<void> {
    if (!this.#enabled) return;
    this.#refill();
    while (amount > this.#tokens) {
      await wait(((amount - this.#tokens) / this.#fillRate) * 1000);
      this.#refill();
    }
    this.#tokens -= amount;
  }

  /** Feeds the outcome of an attempt into the rate. */
  update(throttled: boolean): void {
    this.#measure();
    const now = seconds();
    let rate: number;
    if (throttled) {
      const base = this.#enabled ? Math.min(this.#measuredRate, this.#fillRate) : this.#measuredRate;
      this.#lastMaxRate = base;
      this.#window = this.#windowFor(base);
      this.#lastThrottle = now;
      rate = base * this.#beta;
      this.#enabled = true;
    } else {
      this.#window = this.#windowFor(this.#lastMaxRate);
      rate = this.#scale * (now - this.#lastThrottle - this.#window) ** 3 + this.#lastMaxRate;
    }
    rate = Math.min(rate, 2 * this.#measuredRate);
    this.#refill();
    this.#fillRate = Math.max(rate, this.#minFillRate);
    this.#capacity = Math.max(rate, this.#minCapacity);
    this.#tokens = Math.min(this.#tokens, this.#capacity);
  }

  /** Seconds the cubic curve takes to climb back to `maxRate`. */
  #windowFor(maxRate: number): number {
    return Math.cbrt((maxRate * (1 - this.#beta)) / this.#scale);
  }

  #refill(): void {
    const now = seconds();
    if (this.#lastRefill) this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#lastRefill) * this.#fillRate);
    this.#lastRefill = now;
  }

  /** Counts attempts in half-second buckets and smooths the rate. */
  #measure(): void {
    const bucket = Math.floor(seconds() * 2) / 2;
    this.#sent++;
    if (bucket > this.#bucket) {
      const rate = this.#sent / (bucket - this.#bucket);
      this.#measuredRate = rate * this.#smooth + this.#measuredRate * (1 - this.#smooth);
      this.#sent = 0;
      this.#bucket = bucket;
    }
  }
}

/** Options of `new AdaptiveRetryStrategy(maxAttempts, options)`. */
export interface AdaptiveRetryStrategyOptions {
  /** A rate limiter to use, e.g. one shared with other strategies. */
  rateLimiter?: RateLimiter;
}

/**
 * Adaptive mode (`retryMode: "adaptive"`): the standard strategy plus a client-side
 * rate limiter that slows every attempt down after throttling. Share one instance
 * between clients (`retryStrategy`) to share both the retry quota and the send rate.
 */
export class AdaptiveRetryStrategy implements RetryStrategyV2 {
  /** The retry mode this strategy implements: `"adaptive"`. */
  readonly mode: string = "adaptive";
  /** The client-side rate limiter that slows sends down after throttling errors. */
  readonly rateLimiter: RateLimiter;
  readonly #standard: StandardRetryStrategy;

  constructor(maxAttempts?: number | Provider<number>, options: AdaptiveRetryStrategyOptions = {}) {
    this.#standard = new K.Standard(maxAttempts);
    this.rateLimiter = options.rateLimiter ?? new RateLimiter();
  }

  /** Tokens left in the retry quota. */
  get capacity(): number {
    return this.#standard.capacity;
  }

  /** Resolves the most attempts one call makes, the first included. */
  maxAttempts(): Promise<number> {
    return this.#standard.maxAttempts();
  }

  async acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    const t = await this.#standard.acquireInitialRetryToken(scope);
    await this.rateLimiter.acquire();
    return t;
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    // classification is in failure.ts, loaded at the first failure
    this.rateLimiter.update(info.errorType === "THROTTLING" || (await K.failure()).classifyError(info.error) === "THROTTLING");
    const t = await this.#standard.refreshRetryTokenForRetry(previous, info);
    await this.rateLimiter.acquire();
    return t;
  }

  recordSuccess(t: RetryToken): void {
    this.rateLimiter.update(false);
    this.#standard.recordSuccess(t);
  }
}
