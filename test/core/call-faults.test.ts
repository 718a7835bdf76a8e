/**
 * Faults around one call: typed credential errors, providers that never settle, unit-output
 * operations on odd 2xx bodies, an abort in every phase of a call, and the overall deadline.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CredentialsProviderError,
  DeletePipelineCommand,
  DeserializationError,
  GetPipelineCommand,
  ListPipelinesCommand,
  PutJobSuccessResultCommand,
} from "../../src/index.js";
import { getSettings } from "../../src/settings.js";
import { CREDENTIALS, clientWith, fakeHandler } from "./helpers.js";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const failure = (p: Promise<unknown>) => p.then(() => expect.fail("no error"), (e: any) => e);

describe("credential errors", () => {
  it("a provider's plain Error reaches the caller as a CredentialsProviderError with the original as cause", async () => {
    const boom = new Error("boom");
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler, { credentials: async () => Promise.reject(boom) });
    const err = await failure(client.send(new ListPipelinesCommand({})));
    expect(err).toBeInstanceOf(CredentialsProviderError);
    expect(err.name).toBe("CredentialsProviderError");
    expect(err.cause).toBe(boom);
    expect(err.message).toMatch(/boom/);
    expect(handler.requests).toHaveLength(0);
  });

  it("names a named provider, and keeps a provider's own CredentialsProviderError as it is", async () => {
    const own = Object.assign(new Error("no profile"), { name: "CredentialsProviderError", tryNextLink: true });
    const client = clientWith(fakeHandler({ body: {} }), {
      credentials: async function fromVault() {
        throw new TypeError("vault sealed");
      },
    });
    expect((await failure(client.send(new ListPipelinesCommand({})))).message).toMatch(/"fromVault".*vault sealed/);
    const kept = clientWith(fakeHandler({ body: {} }), { credentials: async () => Promise.reject(own) });
    expect(await failure(kept.send(new ListPipelinesCommand({})))).toBe(own);
  });

  it("a failed lookup is not cached, and every call that shared it gets the typed error", async () => {
    let n = 0;
    let fail!: (e: unknown) => void;
    const provider = vi.fn(() => {
      n++;
      if (n === 1) return new Promise<never>((_, reject) => (fail = reject));
      return Promise.resolve(CREDENTIALS);
    });
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler, { credentials: provider });
    const calls = [1, 2, 3].map(() => failure(client.send(new ListPipelinesCommand({}))));
    await vi.waitFor(() => expect(provider).toHaveBeenCalledTimes(1));
    fail("a string, not an Error");
    const errors = await Promise.all(calls);
    for (const e of errors) {
      expect(e).toBeInstanceOf(CredentialsProviderError);
      expect(e.cause).toBe("a string, not an Error");
    }
    expect(provider).toHaveBeenCalledTimes(1);
    await client.send(new ListPipelinesCommand({}));
    expect(provider).toHaveBeenCalledTimes(2);
    expect(handler.requests).toHaveLength(1);
  });
});

describe("providers that never settle", () => {
  /** Advances the fake clock in 100 ms steps until `p` settles; returns the fake time it took. */
  // Fake milliseconds until `p` settles, counted from when `from()` first holds (default: at once). Module
  // loading takes real time while the fake clock steps, so a bound is measured from when the provider is asked.
  const timeToSettle = async (p: Promise<unknown>, maxMs = 60_000, from: () => boolean = () => true): Promise<number> => {
    let done = false;
    void p.then(() => (done = true));
    let t = 0;
    while (!done && t <= maxMs) {
      const counting = from();
      await new Promise<void>((r) => setImmediate(r));
      await vi.advanceTimersByTimeAsync(100);
      if (counting) t += 100;
    }
    return t;
  };

  it("a credentials provider that never answers fails the call after 30 s with an error naming it", async () => {
    const client = clientWith(fakeHandler({ body: {} }), { credentials: function stuckProvider() { return new Promise(() => {}); } });
    await getSettings(client.config); // loaded with real timers: module loading takes real time
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const pending = failure(client.send(new ListPipelinesCommand({}), { requestTimeout: 0 }));
    const t = await timeToSettle(pending);
    expect(t).toBeGreaterThanOrEqual(29_900);
    expect(t).toBeLessThanOrEqual(30_500);
    const err = await pending;
    expect(err).toBeInstanceOf(CredentialsProviderError);
    expect(err.message).toBe('the credentials provider "stuckProvider" did not answer within 30000 ms (providerTimeout)');
  });

  it("providerTimeout sets the bound for credentials, region and endpoint providers, and the next call asks again", async () => {
    let asked = 0;
    const client = clientWith(fakeHandler({ body: {} }), {
      providerTimeout: 2_000,
      credentials: function slowProvider() {
        return ++asked === 1 ? new Promise(() => {}) : Promise.resolve(CREDENTIALS);
      },
    });
    await getSettings(client.config);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const pending = failure(client.send(new ListPipelinesCommand({}), { requestTimeout: 0 }));
    const t = await timeToSettle(pending, 60_000, () => asked > 0);
    expect(t).toBeGreaterThanOrEqual(1_900);
    expect(t).toBeLessThanOrEqual(2_500);
    const err = await pending;
    expect(err).toBeInstanceOf(CredentialsProviderError);
    expect(err.message).toBe('the credentials provider "slowProvider" did not answer within 2000 ms (providerTimeout)');
    vi.useRealTimers();
    await expect(client.send(new ListPipelinesCommand({}))).resolves.toHaveProperty("$metadata");
    expect(asked).toBe(2);

    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    for (const option of ["region", "endpoint"] as const) {
      let stuckAsked = false;
      const provider = () => ((stuckAsked = true), new Promise<never>(() => {}));
      const stuck = clientWith(fakeHandler({ body: {} }), { providerTimeout: 1_000, [option]: provider });
      const call = failure(stuck.send(new ListPipelinesCommand({})));
      const t = await timeToSettle(call, 60_000, () => stuckAsked);
      expect(t).toBeGreaterThanOrEqual(900);
      expect(t).toBeLessThanOrEqual(1_500);
      expect((await call).message).toBe(`The ${option} provider did not answer within 1000 ms (providerTimeout)`);
    }
  });

  it("providerTimeout 0 waits for a slow provider without limit, and anything but a number of 0 or more is refused", async () => {
    const client = clientWith(fakeHandler({ body: {} }), {
      providerTimeout: 0,
      credentials: () => new Promise((resolve) => setTimeout(() => resolve(CREDENTIALS), 45_000)),
    });
    // loaded with real timers: module loading takes real time, and the fake clock could run past its bound meanwhile
    await getSettings(client.config);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const call = client.send(new ListPipelinesCommand({}), { requestTimeout: 0 });
    expect(await timeToSettle(call)).toBeGreaterThanOrEqual(44_900);
    await expect(call).resolves.toHaveProperty("$metadata");
    for (const bad of [-1, Number.NaN, "30" as unknown as number])
      expect(() => clientWith(fakeHandler({ body: {} }), { providerTimeout: bad })).toThrow(/providerTimeout must be a number of ms/);
  });

  it("a region provider that never answers fails the call after 30 s with a ConfigurationError naming it", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const client = clientWith(fakeHandler({ body: {} }), { region: () => new Promise<string>(() => {}) });
    const pending = failure(client.send(new ListPipelinesCommand({})));
    const t = await timeToSettle(pending);
    expect(t).toBeLessThanOrEqual(30_500);
    const err = await pending;
    expect(err.name).toBe("ConfigurationError");
    expect(err.message).toBe("The region provider did not answer within 30000 ms (providerTimeout)");
  });
});

describe("operations with no output", () => {
  const bodies = ["null", "[]", '"ok"', "123", "true", "<html>OK</html>", "{not json", ""];

  it.each(bodies)("resolve with { $metadata } on a 200 whose body is %s", async (body) => {
    const client = clientWith(fakeHandler({ body, headers: { "x-amzn-requestid": "rid-1" } }));
    const out = await client.send(new DeletePipelineCommand({ name: "p" }));
    expect(out).toEqual({ $metadata: expect.objectContaining({ httpStatusCode: 200, requestId: "rid-1" }) });
    const job = await client.send(new PutJobSuccessResultCommand({ jobId: "00000000-0000-4000-8000-000000000001" }));
    expect(Object.keys(job)).toEqual(["$metadata"]);
  });

  it("operations with output keep rejecting a body that is not a JSON object with a DeserializationError", async () => {
    for (const body of ["null", "[]", '"ok"', "123", "<html>"]) {
      const client = clientWith(fakeHandler({ body }));
      const err = await failure(client.send(new GetPipelineCommand({ name: "p" })));
      expect(err).toBeInstanceOf(DeserializationError);
    }
  });
});

describe("abort and the overall deadline cover the whole call", () => {
  const never = <T>() => new Promise<T>(() => {});
  const phases: [string, object][] = [
    ["region resolution", { region: () => never<string>() }],
    ["endpoint resolution", { endpoint: () => never<string>() }],
    ["credentials", { credentials: () => never() }],
  ];

  it.each(phases)("an abort ends a call stuck in %s at once, with an AbortError", async (_, config) => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler, config);
    const controller = new AbortController();
    const pending = failure(client.send(new ListPipelinesCommand({}), { abortSignal: controller.signal }));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    controller.abort(new Error("user gave up"));
    const err = await pending;
    expect(Date.now() - t0).toBeLessThan(100);
    expect(err.name).toBe("AbortError");
    expect(err.cause).toMatchObject({ message: "user gave up" });
    expect(handler.requests).toHaveLength(0);
  });

  it.each(phases)("operationTimeout ends a call stuck in %s with a TimeoutError naming it", async (_, config) => {
    const client = clientWith(fakeHandler({ body: {} }), { ...config, operationTimeout: 150 });
    const t0 = Date.now();
    const err = await failure(client.send(new ListPipelinesCommand({})));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(err.name).toBe("TimeoutError");
    expect(err.message).toMatch(/did not complete within 150 ms \(operationTimeout\)/);
  });

  it("operationTimeout bounds every attempt and backoff together; a call's own value wins over the client's", async () => {
    let attempts = 0;
    const handler = { handle: () => (attempts++, never<never>()) };
    const client = clientWith(handler as any, { maxAttempts: 5, requestTimeout: 100, operationTimeout: 60_000 });
    const t0 = Date.now();
    const err = await failure(client.send(new ListPipelinesCommand({}), { operationTimeout: 250 }));
    const elapsed = Date.now() - t0;
    expect(err.name).toBe("TimeoutError");
    expect(err.message).toMatch(/250 ms \(operationTimeout\)/);
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(1500);
    expect(attempts).toBeGreaterThanOrEqual(2);
    const n = attempts;
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts).toBe(n); // nothing more is sent after the deadline
  });
});
