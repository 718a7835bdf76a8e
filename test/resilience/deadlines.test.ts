/**
 * Deadlines of the waiter and the watcher against a real server on 127.0.0.1 that
 * never answers: `maxWaitTime` holds, and an abort ends them at once. Elapsed times are
 * checked with generous margins (the suite runs on busy machines).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForPipelineExecutionComplete, watchPipelineExecution, type PipelineExecutionEvent } from "../../src/index.js";
import { clientFor, startServer, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  // accepts every request and never answers
  server = await startServer(() => {});
});
afterAll(() => server.close());

const input = { pipelineName: "app", pipelineExecutionId: "00000000-0000-4000-8000-000000000001" };

describe("waiter and watcher deadlines", () => {
  it("waitForPipelineExecutionComplete returns TIMEOUT at maxWaitTime although every check stalls", async () => {
    const client = clientFor(server.url);
    const t0 = Date.now();
    const result = await waitForPipelineExecutionComplete({ client, maxWaitTime: 2, minDelay: 1 }, input);
    const elapsed = Date.now() - t0;
    expect(result.state).toBe("TIMEOUT");
    expect(result.reason).toMatch(/after 2 s \(maxWaitTime\)/);
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(3000);
    client.destroy();
  });

  it("watchPipelineExecution ends with a TIMEOUT result at maxWaitTime although every check stalls", async () => {
    const client = clientFor(server.url);
    const t0 = Date.now();
    const events: PipelineExecutionEvent[] = [];
    for await (const e of watchPipelineExecution({ client, maxWaitTime: 2, minDelay: 1 }, input)) events.push(e);
    const elapsed = Date.now() - t0;
    expect(events).toEqual([expect.objectContaining({ type: "result", state: "TIMEOUT" })]);
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(3000);
    client.destroy();
  });

  it("an abort ends a waiter within 100 ms, even while the client waits for credentials that never come", async () => {
    const client = clientFor(server.url, { credentials: () => new Promise(() => {}) });
    const controller = new AbortController();
    const wait = waitForPipelineExecutionComplete({ client, maxWaitTime: 600, minDelay: 1, abortSignal: controller.signal }, input);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    controller.abort();
    const result = await wait;
    expect(result.state).toBe("ABORTED");
    expect(Date.now() - t0).toBeLessThan(100);
    client.destroy();
  });

  it("an abort ends a watch within 100 ms while a request stalls", async () => {
    const client = clientFor(server.url);
    const controller = new AbortController();
    const events: PipelineExecutionEvent[] = [];
    const watching = (async () => {
      for await (const e of watchPipelineExecution({ client, minDelay: 1, abortSignal: controller.signal }, input)) events.push(e);
    })();
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    controller.abort();
    await watching;
    expect(Date.now() - t0).toBeLessThan(100);
    expect(events).toEqual([expect.objectContaining({ type: "result", state: "ABORTED" })]);
    client.destroy();
  });
});
