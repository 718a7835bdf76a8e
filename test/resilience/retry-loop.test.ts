/**
 * The retry loop and the per-attempt timeout alone, over a scripted handler and fake
 * timers: attempts, headers, delays, the quota across clients, timeouts and aborts.
 */
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { HttpRequest, HttpResponse, RetryStrategyV2 } from "@smithy/types";
import { CodePipelineClient } from "../../src/client.js";
import type { CodePipelineClientConfig, HttpHandler } from "../../src/config.js";
import { GetPipelineCommand, ListPipelinesCommand } from "../../src/index.js";
import { StandardRetryStrategy } from "../../src/retry/strategy.js";
import { CREDENTIALS, settle } from "./helpers.js";

type Script = (req: HttpRequest, n: number, signal: AbortSignal) => Promise<HttpResponse> | HttpResponse;

const response = (status: number, body: unknown = {}, headers: Record<string, string> = {}): HttpResponse =>
  ({ statusCode: status, headers: { "x-amzn-requestid": `r-${status}`, ...headers }, body: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)) }) as HttpResponse;
const unavailable = () => response(503, { __type: "ServiceUnavailableException", message: "try later" });
const throttled = () => response(400, { __type: "ThrottlingException", message: "slow down" });
const ok = () => response(200, { pipelines: [] });
/** A handler that never answers, until its signal aborts. */
const never: Script = (_req, _n, signal) =>
  new Promise((_, reject) => signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted by the client"), { name: "AbortError" }))));

function scripted(script: Script) {
  const requests: HttpRequest[] = [];
  const signals: AbortSignal[] = [];
  const handler: HttpHandler & { requests: HttpRequest[]; signals: AbortSignal[] } = {
    requests,
    signals,
    async handle(req, options) {
      requests.push({ ...req, headers: { ...req.headers } });
      const signal = options?.abortSignal as AbortSignal;
      signals.push(signal);
      return { response: await script(req, requests.length, signal) };
    },
  };
  return handler;
}

/** A client whose settings are loaded (modules imported, signer ready) by one call before the test's calls. */
async function warmClient(handler: HttpHandler, config: CodePipelineClientConfig = {}) {
  const client = new CodePipelineClient({ region: "us-east-1", credentials: CREDENTIALS, requestHandler: handler, ...config });
  const config_ = client.config as { requestHandler?: HttpHandler };
  config_.requestHandler = { handle: async () => ({ response: ok() }) };
  await client.send(new ListPipelinesCommand({}));
  config_.requestHandler = handler;
  return client;
}

/** Lets I/O and promise callbacks run, without moving fake time. */
const ticks = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("retry loop", () => {
  it("retries 503 then succeeds: amz-sdk-request counts attempts, every attempt is signed again, $metadata has attempts and delay", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const handler = scripted((_r, n) => (n < 3 ? unavailable() : ok()));
    const client = await warmClient(handler);
    const p = client.send(new ListPipelinesCommand({}));
    await vi.advanceTimersByTimeAsync(25 + 50);
    const out = await p;
    expect(handler.requests.map((r) => r.headers["amz-sdk-request"])).toEqual(["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]);
    const ids = new Set(handler.requests.map((r) => r.headers["amz-sdk-invocation-id"]));
    expect(ids.size).toBe(1);
    for (const r of handler.requests) expect(r.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 .*SignedHeaders=[^,]*amz-sdk-request/);
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 3, totalRetryDelay: 75 });
  });

  it("gives up after maxAttempts: the last error carries attempts and totalRetryDelay", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const handler = scripted(() => unavailable());
    const client = await warmClient(handler, { maxAttempts: 4 });
    const p = settle(client.send(new ListPipelinesCommand({})));
    await vi.advanceTimersByTimeAsync(25 + 50 + 100);
    const r = await p;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.name).toBe("ServiceUnavailableException");
    expect(r.error.$metadata).toMatchObject({ httpStatusCode: 503, requestId: "r-503", attempts: 4, totalRetryDelay: 175 });
    expect(handler.requests.at(-1)!.headers["amz-sdk-request"]).toBe("attempt=4; max=4");
  });

  it("does not retry a client error", async () => {
    const handler = scripted(() => response(400, { __type: "ValidationException", message: "bad" }));
    const client = await warmClient(handler);
    const r = await settle(client.send(new ListPipelinesCommand({})));
    expect(r.ok || r.error.$metadata).toMatchObject({ attempts: 1, totalRetryDelay: 0 });
    expect(handler.requests).toHaveLength(1);
  });

  it("maxAttempts: 1 turns retries off", async () => {
    const handler = scripted(() => unavailable());
    const client = await warmClient(handler, { maxAttempts: 1 });
    const r = await settle(client.send(new ListPipelinesCommand({})));
    expect(r.ok).toBe(false);
    expect(handler.requests).toHaveLength(1);
    expect(handler.requests[0]!.headers["amz-sdk-request"]).toBe("attempt=1; max=1");
  });

  it("one strategy shared by two clients spends one quota: when one client drains it, the other stops retrying too", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const shared = new StandardRetryStrategy(3);
    const a = await warmClient(scripted(() => unavailable()), { retryStrategy: shared });
    const bHandler = scripted(() => unavailable());
    const b = await warmClient(bHandler, { retryStrategy: shared });
    const alone = await warmClient(scripted(() => unavailable()));
    await settle(alone.send(new ListPipelinesCommand({})));
    expect(shared.capacity).toBe(500); // a client with its own strategy spends its own quota

    await settle(b.send(new ListPipelinesCommand({})));
    expect(shared.capacity).toBe(500 - 2 * 14);
    while (shared.capacity >= 28) await settle(a.send(new ListPipelinesCommand({})));
    bHandler.requests.length = 0;
    const r = await settle(b.send(new ListPipelinesCommand({})));
    expect(bHandler.requests.length).toBeLessThan(3);
    expect(!r.ok && r.error.$metadata.attempts).toBe(bHandler.requests.length);
    const last = await settle(b.send(new ListPipelinesCommand({})));
    expect(!last.ok && last.error.$metadata.attempts).toBe(1); // the budget is spent for every client sharing it
  });

  it("uses a custom RetryStrategyV2 as given: its decisions, its maxAttempts in the header, its logged acquisition delay", async () => {
    const seen: string[] = [];
    const custom: RetryStrategyV2 & { maxAttempts(): Promise<number> } = {
      maxAttempts: async () => 5,
      acquireInitialRetryToken: async () => ({ getRetryCount: () => 0, getRetryDelay: () => 0 }),
      refreshRetryTokenForRetry: async (t, info) => {
        seen.push(info.errorType);
        if (t.getRetryCount() >= 1) throw new Error("enough");
        return Object.assign({ getRetryCount: () => 1, getRetryDelay: () => 10 }, { $retryLog: { acquisitionDelay: 7 } });
      },
      recordSuccess: () => seen.push("success"),
    };
    const handler = scripted(() => response(400, { __type: "ValidationException", message: "no" }));
    const client = await warmClient(handler, { retryStrategy: custom });
    seen.length = 0;
    const p = settle(client.send(new ListPipelinesCommand({})));
    await vi.advanceTimersByTimeAsync(10);
    const r = await p;
    expect(seen).toEqual(["CLIENT_ERROR", "CLIENT_ERROR"]);
    expect(handler.requests.map((x) => x.headers["amz-sdk-request"])).toEqual(["attempt=1; max=5", "attempt=2; max=5"]);
    expect(r.ok || r.error.$metadata).toMatchObject({ attempts: 2, totalRetryDelay: 17 });
  });

  it("runs a v3 legacy strategy (retry(next, args)) as it is", async () => {
    const retry = vi.fn(async (next: any, args: any) => next(args));
    const handler = scripted(() => ok());
    const client = await warmClient(handler, { retryStrategy: { mode: "custom", retry } as any });
    retry.mockClear();
    await client.send(new ListPipelinesCommand({}));
    expect(retry).toHaveBeenCalledTimes(1);
    expect(handler.requests).toHaveLength(1);
  });
});

describe("per-attempt timeout", () => {
  it("defaults to 30 s per attempt and fails with a TimeoutError carrying the attempts", async () => {
    const handler = scripted(never);
    const client = await warmClient(handler, { maxAttempts: 1 });
    let settled = false;
    const p = settle(client.send(new ListPipelinesCommand({}))).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const r = await p;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(Error);
    expect(r.error.name).toBe("TimeoutError");
    expect(r.error.message).toMatch(/30000 ms \(requestTimeout\)/);
    expect(r.error.$metadata).toEqual({ attempts: 1, totalRetryDelay: 0 });
    // the handler's own signal was aborted, so the request was cancelled
    expect(handler.signals[0]!.aborted).toBe(true);
  });

  it("is retryable: three timeouts, then the last TimeoutError reports 3 attempts", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const handler = scripted(never);
    const client = await warmClient(handler, { requestTimeout: 1_000 });
    const p = settle(client.send(new ListPipelinesCommand({})));
    await vi.advanceTimersByTimeAsync(3_000);
    const r = await p;
    expect(handler.requests).toHaveLength(3);
    expect(!r.ok && r.error.name).toBe("TimeoutError");
    expect(!r.ok && r.error.$metadata).toMatchObject({ attempts: 3 });
  });

  it("can be set on the client, per call, or in requestHandler options; the call wins", async () => {
    const handler = scripted(never);
    const client = await warmClient(handler, { maxAttempts: 1, requestTimeout: 5_000 });
    const perCall = settle(client.send(new ListPipelinesCommand({}), { requestTimeout: 200 }));
    await vi.advanceTimersByTimeAsync(200);
    expect((await perCall).ok).toBe(false);
    let settled = false;
    const clientWide = settle(client.send(new ListPipelinesCommand({}))).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(!(await clientWide).ok).toBe(true);

    const fromOptions = new CodePipelineClient({ region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1, requestHandler: { requestTimeout: 700 } });
    const { getSettings } = await import("../../src/settings.js");
    const settings = await getSettings(fromOptions.config);
    expect(settings.attemptTimeout(undefined)).toBe(700);
    expect(settings.attemptTimeout({ requestTimeout: 50 })).toBe(50);
  });

  it("covers reading the body: a body that stalls times out too", async () => {
    const handler = scripted(() => ({ statusCode: 200, headers: {}, body: new Readable({ read() {} }) }) as HttpResponse);
    const client = await warmClient(handler, { maxAttempts: 1, requestTimeout: 1_000 });
    const p = settle(client.send(new ListPipelinesCommand({})));
    await vi.advanceTimersByTimeAsync(1_000);
    const r = await p;
    expect(!r.ok && r.error.name).toBe("TimeoutError");
  });
});

describe("cancellation", () => {
  it("an abort during a backoff wait ends the call at once; no further attempt starts", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.99);
    const handler = scripted(() => throttled()); // backoff 990 ms
    const client = await warmClient(handler);
    const controller = new AbortController();
    let settled = false;
    const p = settle(client.send(new ListPipelinesCommand({}), { abortSignal: controller.signal })).finally(() => (settled = true));
    await ticks();
    expect(handler.requests).toHaveLength(1);
    expect(settled).toBe(false); // waiting out the backoff
    controller.abort();
    await vi.advanceTimersByTimeAsync(5); // far less than the 990 ms backoff
    expect(settled).toBe(true);
    const r = await p;
    expect(!r.ok && r.error.name).toBe("AbortError");
    expect(!r.ok && r.error).toBeInstanceOf(Error);
    expect(!r.ok && r.error.$metadata).toMatchObject({ attempts: 1, totalRetryDelay: 0 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(handler.requests).toHaveLength(1);
  });

  it("an abort during a request cancels the handler's request and keeps the caller's onabort", async () => {
    const handler = scripted(never);
    const client = await warmClient(handler);
    const controller = new AbortController();
    const userOnAbort = vi.fn();
    controller.signal.onabort = userOnAbort;
    const p = settle(client.send(new ListPipelinesCommand({}), { abortSignal: controller.signal }));
    await ticks();
    controller.abort(new Error("shutting down"));
    const r = await p;
    expect(!r.ok && r.error.name).toBe("AbortError");
    expect(!r.ok && r.error.cause).toEqual(new Error("shutting down"));
    expect(handler.signals[0]!.aborted).toBe(true);
    expect(userOnAbort).toHaveBeenCalledTimes(1);
    expect(controller.signal.onabort).toBe(userOnAbort);
    expect(handler.requests).toHaveLength(1);
  });

  it("an already aborted signal sends nothing", async () => {
    const handler = scripted(() => ok());
    const client = await warmClient(handler);
    const r = await settle(client.send(new ListPipelinesCommand({}), { abortSignal: AbortSignal.abort() }));
    expect(!r.ok && r.error.name).toBe("AbortError");
    expect(handler.requests).toHaveLength(0);
  });

  it("removes its listeners when the call ends", async () => {
    const handler = scripted(() => ok());
    const client = await warmClient(handler);
    const listeners = new Set<() => void>();
    const signal = {
      aborted: false,
      addEventListener: (_: string, l: () => void) => listeners.add(l),
      removeEventListener: (_: string, l: () => void) => listeners.delete(l),
    };
    for (let i = 0; i < 5; i++) await client.send(new ListPipelinesCommand({}), { abortSignal: signal as any });
    expect(listeners.size).toBe(0);
  });

  it("works with a signal that only has onabort, chaining to the caller's handler and restoring it", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.99);
    const handler = scripted(() => throttled());
    const client = await warmClient(handler);
    const userOnAbort = vi.fn();
    const signal: { aborted: boolean; onabort: ((ev?: unknown) => void) | null } = { aborted: false, onabort: userOnAbort };
    const p = settle(client.send(new ListPipelinesCommand({}), { abortSignal: signal as any }));
    await ticks();
    signal.aborted = true;
    signal.onabort?.({});
    const r = await p;
    expect(!r.ok && r.error.name).toBe("AbortError");
    expect(userOnAbort).toHaveBeenCalledTimes(1);
    expect(signal.onabort).toBe(userOnAbort);
  });

  it("the aggregated client's methods take the abort signal too", async () => {
    const { CodePipeline } = await import("../../src/index.js");
    const handler = scripted(never);
    const client = new CodePipeline({ region: "us-east-1", credentials: CREDENTIALS, requestHandler: handler });
    await warmClient(handler); // loads the modules the call needs
    const controller = new AbortController();
    const p = settle(client.getPipeline({ name: "p" }, { abortSignal: controller.signal }));
    for (let i = 0; i < 50 && handler.requests.length === 0; i++) await ticks(1);
    controller.abort();
    const r = await p;
    expect(!r.ok && r.error.name).toBe("AbortError");
    void GetPipelineCommand;
  });
});

describe("one signal shared by many calls", () => {
  it("adds a single listener, cancels every call, and Node does not warn about a leak", async () => {
    vi.useRealTimers();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    const handler = scripted(never);
    const client = await warmClient(handler);
    const controller = new AbortController();
    let active = 0;
    let most = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...a: Parameters<typeof add>) => (add(...a), (most = Math.max(most, ++active)))) as any;
    signal.removeEventListener = ((...a: Parameters<typeof remove>) => (remove(...a), active--)) as any;
    const calls = Array.from({ length: 50 }, () => settle(client.send(new ListPipelinesCommand({}), { abortSignal: controller.signal })));
    for (let i = 0; i < 50 && handler.requests.length < 50; i++) await ticks(1);
    expect(handler.requests).toHaveLength(50);
    expect(most).toBe(1);
    controller.abort();
    const results = await Promise.all(calls);
    expect(results.every((r) => !r.ok && r.error.name === "AbortError")).toBe(true);
    expect(handler.signals.every((s) => s.aborted)).toBe(true);
    await ticks(5);
    process.off("warning", onWarning);
    expect(warnings.filter((w) => /leak/i.test(w))).toEqual([]);
  });
});
