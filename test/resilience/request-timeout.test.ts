/**
 * Where an attempt's timeout comes from, against a real server on 127.0.0.1 that accepts
 * requests and never answers: the call's `requestTimeout`, else the client's, else the HTTP
 * handler's own (a handler instance's configuration included), else 30 s; and no attempt
 * outlasts the call's `operationTimeout`. Elapsed times have generous margins.
 */
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { HttpRequest } from "@smithy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ListPipelinesCommand } from "../../src/index.js";
import { getSettings } from "../../src/settings.js";
import { clientFor, settle, startServer, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer(() => {}); // reads each request, never answers
});
afterAll(() => server.close());
afterEach(() => vi.restoreAllMocks());

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Sends one call and returns its error and how long it took. */
async function failure(send: Promise<unknown>): Promise<{ error: any; elapsed: number }> {
  const t0 = Date.now();
  const r = await settle(send);
  expect(r.ok).toBe(false);
  return { error: !r.ok && r.error, elapsed: Date.now() - t0 };
}

/** A handler around a NodeHttpHandler that records the `requestTimeout` each attempt is given. */
function recordingHandler() {
  const inner = new NodeHttpHandler({ logger: quiet });
  const timeouts: number[] = [];
  return {
    timeouts,
    handle: (request: HttpRequest, options: { requestTimeout?: number }) => {
      timeouts.push(options.requestTimeout!);
      return inner.handle(request as any, options as any);
    },
    destroy: () => inner.destroy(),
  };
}

describe("requestTimeout: one resolution", () => {
  it("a NodeHttpHandler's own requestTimeout governs from the first call when the client sets none", async () => {
    // NodeHttpHandler reports its configuration only once a request has started
    const requestHandler = new NodeHttpHandler({ requestTimeout: 150, logger: quiet });
    expect(requestHandler.httpHandlerConfigs()).toEqual({});
    const client = clientFor(server.url, { requestHandler, maxAttempts: 1 });
    const { error, elapsed } = await failure(client.send(new ListPipelinesCommand({})));
    expect(error.name).toBe("TimeoutError");
    expect(error.message).toMatch(/within 150 ms \(requestTimeout\)/);
    expect(elapsed).toBeLessThan(5_000);
    expect((await getSettings(client.config)).attemptTimeout(undefined)).toBe(150);
    client.destroy();
  });

  it("the client's requestTimeout wins over the handler's, and a call's over both", async () => {
    const requestHandler = new NodeHttpHandler({ requestTimeout: 20_000, logger: quiet });
    const client = clientFor(server.url, { requestHandler, requestTimeout: 150, maxAttempts: 1 });
    expect((await failure(client.send(new ListPipelinesCommand({})))).error.message).toMatch(/within 150 ms \(requestTimeout\)/);
    expect((await failure(client.send(new ListPipelinesCommand({}), { requestTimeout: 120 }))).error.message).toMatch(/within 120 ms \(requestTimeout\)/);
    client.destroy();

    const handlerOnly = clientFor(server.url, { requestHandler: new NodeHttpHandler({ requestTimeout: 20_000, logger: quiet }), maxAttempts: 1 });
    const perCall = await failure(handlerOnly.send(new ListPipelinesCommand({}), { requestTimeout: 130 }));
    expect(perCall.error.message).toMatch(/within 130 ms \(requestTimeout\)/);
    expect(perCall.elapsed).toBeLessThan(5_000);
    handlerOnly.destroy();
  });

  it("requestHandler options of the default handler: their requestTimeout applies; without one, 30 s", async () => {
    const client = clientFor(server.url, { requestHandler: { requestTimeout: 140 }, maxAttempts: 1 });
    expect((await failure(client.send(new ListPipelinesCommand({})))).error.message).toMatch(/within 140 ms \(requestTimeout\)/);
    client.destroy();

    const plain = clientFor(server.url);
    expect((await getSettings(plain.config)).attemptTimeout(undefined)).toBe(30_000);
    // the default is applied once, by the client: the handler's options hold only what was given
    expect(plain.config.requestHandler!.httpHandlerConfigs!()).not.toHaveProperty("requestTimeout");
  });

  it("an invalid per-call value falls back to the client's", async () => {
    const client = clientFor(server.url, { requestTimeout: 110, maxAttempts: 1 });
    expect((await failure(client.send(new ListPipelinesCommand({}), { requestTimeout: -1 }))).error.message).toMatch(/within 110 ms \(requestTimeout\)/);
    client.destroy();
  });
});

describe("requestTimeout within operationTimeout", () => {
  it("an attempt is given no more than what is left of the call, and ends the call at the deadline", async () => {
    const handler = recordingHandler();
    const client = clientFor(server.url, { requestHandler: handler, requestTimeout: 20_000, operationTimeout: 300, maxAttempts: 1 });
    const { error, elapsed } = await failure(client.send(new ListPipelinesCommand({})));
    expect(error.name).toBe("TimeoutError");
    expect(error.message).toMatch(/did not complete within 300 ms \(operationTimeout\)/);
    expect(error.$metadata).toMatchObject({ attempts: 1 });
    expect(handler.timeouts).toHaveLength(1);
    expect(handler.timeouts[0]).toBeGreaterThan(0);
    expect(handler.timeouts[0]).toBeLessThanOrEqual(300);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(5_000);
    client.destroy();
  });

  it("attempts keep their requestTimeout until the deadline is nearer; the last one gets what is left", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0); // no backoff wait
    const handler = recordingHandler();
    const client = clientFor(server.url, { requestHandler: handler, requestTimeout: 400, operationTimeout: 1_000, maxAttempts: 10 });
    const { error, elapsed } = await failure(client.send(new ListPipelinesCommand({})));
    expect(error.message).toMatch(/did not complete within 1000 ms \(operationTimeout\)/);
    const { timeouts } = handler;
    expect(timeouts.length).toBeGreaterThanOrEqual(2);
    expect(error.$metadata).toMatchObject({ attempts: timeouts.length });
    expect(timeouts[0]).toBe(400);
    expect(timeouts.at(-1)).toBeGreaterThan(0);
    expect(timeouts.at(-1)).toBeLessThan(400);
    // together the attempts never asked for more than the call's 1 000 ms
    expect(timeouts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1_000);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(6_000);
    client.destroy();
  });

  it("with requestTimeout 0 (no limit), the attempt is given the call's time", async () => {
    const handler = recordingHandler();
    const client = clientFor(server.url, { requestHandler: handler, requestTimeout: 0, operationTimeout: 200, maxAttempts: 1 });
    const { error } = await failure(client.send(new ListPipelinesCommand({})));
    expect(error.message).toMatch(/200 ms \(operationTimeout\)/);
    expect(handler.timeouts[0]).toBeGreaterThan(0);
    expect(handler.timeouts[0]).toBeLessThanOrEqual(200);
    client.destroy();
  });
});
