/**
 * The retry units alone: classification, backoff, Retry-After, the quota, the
 * strategy factory and adaptive mode's rate limiter (fake timers and a fixed random).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RetryErrorInfo, RetryToken } from "@smithy/types";
import { StandardRetryStrategy, backoffDelay, INITIAL_RETRY_TOKENS } from "../../src/retry/strategy.js";
import { classifyError } from "../../src/retry/classify.js";
import { createRetryStrategy } from "../../src/retry/mode.js";
import { AdaptiveRetryStrategy, RateLimiter } from "../../src/retry/index.js";
import { failure } from "../../src/lazy.js";
import { CodePipelineServiceException } from "../../src/exception.js";
import { AbortError, ConfigurationError, NetworkError, TimeoutError } from "../../src/errors.js";
import { LimitExceededException, ValidationException } from "../../models/errors.js";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const serviceError = (name: string, status: number) =>
  new CodePipelineServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status } });
const sysError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe("classifyError", () => {
  it.each([
    ["429 status", serviceError("Whatever", 429), "THROTTLING"],
    ["ThrottlingException", serviceError("ThrottlingException", 400), "THROTTLING"],
    ["TooManyRequestsException", serviceError("TooManyRequestsException", 400), "THROTTLING"],
    ["CodePipeline's LimitExceededException", new LimitExceededException({ $metadata: { httpStatusCode: 400 }, message: "x" }), "THROTTLING"],
    ["$retryable.throttling", Object.assign(new Error("x"), { $retryable: { throttling: true } }), "THROTTLING"],
    ["500", serviceError("InternalFailure", 500), "TRANSIENT"],
    ["502", serviceError("Unknown", 502), "TRANSIENT"],
    ["503", serviceError("ServiceUnavailable", 503), "TRANSIENT"],
    ["504", serviceError("Unknown", 504), "TRANSIENT"],
    ["501 is a server error, not retried", serviceError("NotImplemented", 501), "SERVER_ERROR"],
    ["TimeoutError", new TimeoutError("t"), "TRANSIENT"],
    ["RequestTimeoutException", serviceError("RequestTimeoutException", 400), "TRANSIENT"],
    ["ECONNRESET", sysError("ECONNRESET"), "TRANSIENT"],
    ["ECONNREFUSED", sysError("ECONNREFUSED"), "TRANSIENT"],
    ["EPIPE", sysError("EPIPE"), "TRANSIENT"],
    ["ETIMEDOUT", sysError("ETIMEDOUT"), "TRANSIENT"],
    ["ENOTFOUND", sysError("ENOTFOUND"), "TRANSIENT"],
    ["EAI_AGAIN", sysError("EAI_AGAIN"), "TRANSIENT"],
    ["EHOSTUNREACH", sysError("EHOSTUNREACH"), "TRANSIENT"],
    ["a NetworkError wrapping a reset", Object.assign(new NetworkError("x", { cause: sysError("ECONNRESET") }), {}), "TRANSIENT"],
    ["a transient cause, two levels down", new Error("outer", { cause: new Error("mid", { cause: sysError("EPIPE") }) }), "TRANSIENT"],
    ["fetch failure", new TypeError("Failed to fetch"), "TRANSIENT"],
    ["Firefox fetch failure", new TypeError("NetworkError when attempting to fetch resource."), "TRANSIENT"],
    ["undici fetch failure", new TypeError("fetch failed"), "TRANSIENT"],
    ["another TypeError", new TypeError("x is not a function"), "CLIENT_ERROR"],
    ["a TLS certificate failure", Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }), "CLIENT_ERROR"],
    ["corrected clock skew", Object.assign(serviceError("InvalidSignatureException", 403), { $metadata: { httpStatusCode: 403, clockSkewCorrected: true } }), "TRANSIENT"],
    ["expired signature", Object.assign(serviceError("InvalidSignatureException", 400), { message: "Signature expired: 20240101T000000Z is now earlier than ..." }), "TRANSIENT"],
    ["a validation error", new ValidationException({ $metadata: { httpStatusCode: 400 }, message: "bad" }), "CLIENT_ERROR"],
    ["access denied", serviceError("AccessDeniedException", 403), "CLIENT_ERROR"],
    ["an abort, even with a transient cause", new AbortError("Request aborted", { cause: sysError("ECONNRESET") }), "CLIENT_ERROR"],
    ["a non-error", "oops", "CLIENT_ERROR"],
  ])("%s", (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });
});

describe("backoffDelay (full jitter)", () => {
  it("draws between 0 and base × 2^retries: 50 ms base, 1 s after throttling, capped at 20 s", () => {
    const random = vi.spyOn(Math, "random").mockReturnValue(0.999999);
    expect(backoffDelay(0, false)).toBe(49);
    expect(backoffDelay(1, false)).toBe(99);
    expect(backoffDelay(3, false)).toBe(399);
    expect(backoffDelay(0, true)).toBe(999);
    expect(backoffDelay(2, true)).toBe(3999);
    expect(backoffDelay(10, true)).toBe(19999);
    random.mockReturnValue(0);
    expect(backoffDelay(5, true)).toBe(0);
    random.mockReturnValue(0.5);
    expect(backoffDelay(2, false)).toBe(100);
  });

  it("waits for a Retry-After hint, but at most 5 s longer than the drawn delay", () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const at = (ms: number) => new Date(Date.now() + ms);
    expect(backoffDelay(0, true, at(2_000))).toBe(2_000);
    expect(backoffDelay(0, true, at(60_000))).toBe(500 + 5_000);
    expect(backoffDelay(0, true, at(100))).toBe(500); // a shorter hint never shortens the backoff
    expect(backoffDelay(0, true, new Date(Number.NaN))).toBe(500);
  });
});

describe("retryAfterHint", () => {
  const response = (headers: Record<string, string>) => ({ statusCode: 503, headers, body: undefined }) as any;
  it("reads x-amz-retry-after (ms), Retry-After (seconds or an HTTP date), in any case", async () => {
    const { retryAfterHint } = await failure();
    vi.useFakeTimers({ now: Date.parse("2024-05-01T12:00:00Z") });
    expect(retryAfterHint(response({ "x-amz-retry-after": "1500" }))?.getTime()).toBe(Date.now() + 1500);
    expect(retryAfterHint(response({ "retry-after": "3" }))?.getTime()).toBe(Date.now() + 3000);
    expect(retryAfterHint(response({ "Retry-After": "0.5" }))?.getTime()).toBe(Date.now() + 500);
    expect(retryAfterHint(response({ "X-Amz-Retry-After": "250", "Retry-After": "9" }))?.getTime()).toBe(Date.now() + 250);
    expect(retryAfterHint(response({ "retry-after": "Wed, 01 May 2024 12:00:07 GMT" }))?.getTime()).toBe(Date.now() + 7000);
    expect(retryAfterHint(response({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterHint(response({ "x-amz-retry-after": "" }))).toBeUndefined();
    expect(retryAfterHint(response({}))).toBeUndefined();
    expect(retryAfterHint(undefined)).toBeUndefined();
  });
});

describe("StandardRetryStrategy", () => {
  const info = (errorType: RetryErrorInfo["errorType"]): RetryErrorInfo => ({ errorType, error: new Error("x") as any });

  it("retries throttling and transient errors until maxAttempts, never client or server errors", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const s = new StandardRetryStrategy(3);
    const t0 = await s.acquireInitialRetryToken("");
    const t1 = await s.refreshRetryTokenForRetry(t0, info("TRANSIENT"));
    expect(t1.getRetryCount()).toBe(1);
    const t2 = await s.refreshRetryTokenForRetry(t1, info("THROTTLING"));
    expect(t2.getRetryCount()).toBe(2);
    await expect(s.refreshRetryTokenForRetry(t2, info("TRANSIENT"))).rejects.toThrow(/No retry/);
    await expect(s.refreshRetryTokenForRetry(t0, info("CLIENT_ERROR"))).rejects.toThrow(/No retry/);
    await expect(s.refreshRetryTokenForRetry(t0, info("SERVER_ERROR"))).rejects.toThrow(/No retry/);
  });

  it("spends 14 tokens per transient retry and 5 per throttling retry, refunds on success, caps at 500", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const s = new StandardRetryStrategy(10);
    expect(s.capacity).toBe(INITIAL_RETRY_TOKENS);
    const t0 = await s.acquireInitialRetryToken("");
    const t1 = await s.refreshRetryTokenForRetry(t0, info("TRANSIENT"));
    expect(s.capacity).toBe(486);
    const t2 = await s.refreshRetryTokenForRetry(t1, info("THROTTLING"));
    expect(s.capacity).toBe(481);
    s.recordSuccess(t2); // gives back the last retry's cost
    expect(s.capacity).toBe(486);
    s.recordSuccess(await s.acquireInitialRetryToken("")); // a first-attempt success gives 1
    expect(s.capacity).toBe(487);
    for (let i = 0; i < 20; i++) s.recordSuccess(t0);
    expect(s.capacity).toBe(500);
    expect(s.getCapacity()).toBe(500);
  });

  it("stops retrying when the quota cannot pay for a retry", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const s = new StandardRetryStrategy(1000);
    let t = await s.acquireInitialRetryToken("");
    let retries = 0;
    try {
      for (;;) {
        t = await s.refreshRetryTokenForRetry(t, info("TRANSIENT"));
        retries++;
      }
    } catch {}
    expect(retries).toBe(Math.floor(500 / 14)); // 35 retries, 10 tokens left
    expect(s.capacity).toBe(10);
    // a throttling retry costs only 5: two more fit
    t = await s.refreshRetryTokenForRetry(t, info("THROTTLING"));
    t = await s.refreshRetryTokenForRetry(t, info("THROTTLING"));
    await expect(s.refreshRetryTokenForRetry(t, info("THROTTLING"))).rejects.toThrow();
  });

  it("hands out the backoff delay and lets a Retry-After hint lengthen it", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const s = new StandardRetryStrategy(5);
    const t0 = await s.acquireInitialRetryToken("");
    expect((await s.refreshRetryTokenForRetry(t0, info("TRANSIENT"))).getRetryDelay()).toBe(25);
    expect((await s.refreshRetryTokenForRetry(t0, info("THROTTLING"))).getRetryDelay()).toBe(500);
    const hinted = await s.refreshRetryTokenForRetry(t0, { ...info("THROTTLING"), retryAfterHint: new Date(Date.now() + 3000) });
    expect(hinted.getRetryDelay()).toBe(3000);
  });

  it("accepts maxAttempts as a number, a provider or v3's options object", async () => {
    expect(await new StandardRetryStrategy().maxAttempts()).toBe(3);
    expect(await new StandardRetryStrategy(5).maxAttempts()).toBe(5);
    expect(await new StandardRetryStrategy(async () => 7).maxAttempts()).toBe(7);
    expect(await new StandardRetryStrategy({ maxAttempts: 2 }).maxAttempts()).toBe(2);
  });
});

describe("createRetryStrategy", () => {
  it("builds standard or adaptive strategies and rejects unknown modes", async () => {
    expect(await createRetryStrategy("standard", 4)).toBeInstanceOf(StandardRetryStrategy);
    expect(await createRetryStrategy("legacy", 4)).toBeInstanceOf(StandardRetryStrategy);
    const adaptive = (await createRetryStrategy("adaptive", 2)) as any;
    expect(adaptive.mode).toBe("adaptive");
    // the strategy the client loads for retryMode "adaptive" is the class `codepipeline-client/retry` exports
    expect(adaptive).toBeInstanceOf(AdaptiveRetryStrategy);
    expect(await adaptive.maxAttempts()).toBe(2);
    const t = await adaptive.acquireInitialRetryToken("");
    await expect(adaptive.refreshRetryTokenForRetry(t, { errorType: "TRANSIENT", error: new Error("x") })).resolves.toBeDefined();
    await expect(createRetryStrategy("adaptativ", 3)).rejects.toThrow(ConfigurationError);
    await expect(createRetryStrategy("adaptativ", 3)).rejects.toThrow(/retryMode must be "standard" or "adaptive"/);
  });
});

describe("adaptive retry as a module of its own", () => {
  it("browsers load it through the runtime, and it hands back the classes codepipeline-client/retry exports", async () => {
    const { runtime: browser } = await import("../../src/runtime/browser.js");
    const m = await browser.adaptive();
    const classes = m.setup({ Standard: StandardRetryStrategy, failure });
    expect(classes.AdaptiveRetryStrategy).toBe(AdaptiveRetryStrategy);
    expect(classes.RateLimiter).toBe(RateLimiter);
    const s = new AdaptiveRetryStrategy();
    await expect(s.maxAttempts()).resolves.toBe(3);
    expect(s.capacity).toBe(INITIAL_RETRY_TOKENS);
  });
});

describe("RateLimiter (adaptive mode)", () => {
  it("does not limit anything until the first throttle", async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter();
    for (let i = 0; i < 100; i++) await limiter.acquire();
    expect(limiter.enabled).toBe(false);
  });

  it("on throttling cuts the rate to 0.7 × the measured rate and makes attempts wait for tokens", async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter();
    // 10 attempts per second for 3 s, all succeeding
    for (let i = 0; i < 30; i++) {
      vi.advanceTimersByTime(100);
      limiter.update(false);
    }
    const measured = limiter.measuredRate;
    expect(measured).toBeGreaterThan(8);
    expect(measured).toBeLessThan(11);
    limiter.update(true);
    expect(limiter.enabled).toBe(true);
    expect(limiter.fillRate).toBeCloseTo(0.7 * limiter.measuredRate, 5);

    // the bucket holds at most `fillRate` tokens: without time passing, attempts soon have to wait
    let immediate = 0;
    let waiting: Promise<void> | undefined;
    for (let i = 0; i < 50 && !waiting; i++) {
      let done = false;
      const p = limiter.acquire().then(() => void (done = true));
      await Promise.resolve();
      await Promise.resolve();
      if (done) immediate++;
      else waiting = p;
    }
    expect(waiting).toBeDefined();
    expect(immediate).toBeLessThanOrEqual(Math.ceil(limiter.fillRate));
    let got = false;
    void waiting!.then(() => (got = true));
    await vi.advanceTimersByTimeAsync(Math.ceil(1000 / limiter.fillRate) + 1);
    expect(got).toBe(true);
  });

  it("grows the rate back along the cubic curve after a throttle, never above twice the measured rate", () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter();
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(100);
      limiter.update(false);
    }
    limiter.update(true);
    const afterThrottle = limiter.fillRate;
    const rates: number[] = [];
    for (let i = 0; i < 40; i++) {
      vi.advanceTimersByTime(100);
      limiter.update(false);
      rates.push(limiter.fillRate);
      expect(limiter.fillRate).toBeLessThanOrEqual(Math.max(2 * limiter.measuredRate, 0.5) + 1e-9);
    }
    expect(rates.at(-1)!).toBeGreaterThan(afterThrottle);
  });

  it("never goes below the minimum fill rate of 0.5 per second", () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter();
    limiter.update(true);
    limiter.update(true);
    expect(limiter.fillRate).toBe(0.5);
  });
});

describe("AdaptiveRetryStrategy", () => {
  it("feeds throttles into its rate limiter and keeps the standard quota and limits", async () => {
    vi.useFakeTimers({ now: 0 });
    vi.spyOn(Math, "random").mockReturnValue(0);
    const s = new AdaptiveRetryStrategy(3);
    const t0 = await s.acquireInitialRetryToken("");
    expect(s.rateLimiter.enabled).toBe(false);
    const pending = s.refreshRetryTokenForRetry(t0, { errorType: "THROTTLING", error: new Error("x") as any });
    await vi.runAllTimersAsync();
    const t1: RetryToken = await pending;
    expect(s.rateLimiter.enabled).toBe(true);
    expect(s.capacity).toBe(495);
    s.recordSuccess(t1);
    expect(s.capacity).toBe(500);
    expect(await s.maxAttempts()).toBe(3);
  });
});
