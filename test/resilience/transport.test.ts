/**
 * The default Node transport: `NodeHttpHandler` from `@smithy/node-http-handler` over the
 * client's agents, and what the client adds around it (connection timeout from the moment a
 * connection is made, the pool warning naming the client, errors naming the option to change),
 * against a real server on 127.0.0.1.
 */
import { Agent as HttpAgent, type ClientRequestArgs } from "node:http";
import type { Duplex } from "node:stream";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { ListPipelinesCommand } from "../../src/index.js";
import { createNodeHandler } from "../../src/runtime/node-http.js";
import { clientFor, json, settle, startServer, type Reply, type TestServer } from "./helpers.js";

let server: TestServer;
const opened: number[] = [];
const closed: number[] = [];
beforeAll(async () => {
  server = await startServer();
  server.server.on("connection", (s) => {
    opened.push(s.remotePort!);
    s.on("close", () => closed.push(s.remotePort!));
  });
});
afterAll(() => server.close());
afterEach(() => {
  vi.restoreAllMocks();
});

const slow = (ms: number): Reply => (req, res, n, raw) => void setTimeout(() => json({ pipelines: [{ name: `n${n}` }] })(req, res, n, raw), ms);
const recorder = () => {
  const warnings: string[] = [];
  return { warnings, logger: { trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} } };
};

it("requests go through @smithy/node-http-handler's NodeHttpHandler, without its warn-only request timeout", async () => {
  server.reply(json({ pipelines: [] }));
  const handle = vi.spyOn(NodeHttpHandler.prototype, "handle");
  const client = clientFor(server.url, { requestTimeout: 7_000 });
  await client.send(new ListPipelinesCommand({}));
  client.destroy();
  const sent = handle.mock.calls.filter(([request]) => request.hostname === "127.0.0.1");
  expect(sent).toHaveLength(1);
  expect(sent[0]![0]).toMatchObject({ method: "POST", path: "/", headers: { "x-amz-target": "CodePipeline_20150709.ListPipelines" } });
  expect(sent[0]![1]).toMatchObject({ requestTimeout: 0 }); // the client enforces its own 7 s
});

it("warns as soon as one request waited socketAcquisitionWarningTimeout for a socket, however short the queue", async () => {
  // 2 sockets, 3 calls of 200 ms: one call waits 200 ms for a socket (NodeHttpHandler alone warns only at 2x maxSockets queued)
  server.reply(slow(200));
  const { warnings, logger } = recorder();
  const client = clientFor(server.url, { logger, requestHandler: { httpAgent: { maxSockets: 2 }, socketAcquisitionWarningTimeout: 40 } });
  const results = await Promise.all(Array.from({ length: 3 }, () => settle(client.send(new ListPipelinesCommand({})))));
  client.destroy();
  expect(results.every((r) => r.ok)).toBe(true);
  expect(warnings).toEqual([
    "CodePipelineClient: 1 requests are waiting for a free connection (2 sockets busy, maxSockets=2); the wait counts toward requestTimeout. " +
      "To allow more parallel requests, size the pool: new CodePipelineClient({ requestHandler: { httpAgent: { maxSockets: 100 } } }), or send fewer calls at once.",
  ]);
});

it("socketAcquisitionWarningTimeout: 0 turns the warning off", async () => {
  server.reply(slow(30));
  const { warnings, logger } = recorder();
  const client = clientFor(server.url, { logger, requestHandler: { httpAgent: { maxSockets: 1 }, socketAcquisitionWarningTimeout: 0 } });
  const results = await Promise.all(Array.from({ length: 8 }, () => settle(client.send(new ListPipelinesCommand({})))));
  client.destroy();
  expect(results.every((r) => r.ok)).toBe(true);
  expect(warnings).toEqual([]);
});

it("time spent waiting for a pooled socket does not count toward connectionTimeout", async () => {
  // the second call waits 200 ms for the only socket, four times the connection timeout, and reuses it
  server.reply(slow(200));
  const client = clientFor(server.url, { connectionTimeout: 50, maxAttempts: 1, requestHandler: { httpAgent: { maxSockets: 1 } } });
  const results = await Promise.all(Array.from({ length: 2 }, () => settle(client.send(new ListPipelinesCommand({})))));
  client.destroy();
  expect(results.map((r) => (r.ok ? "ok" : r.error.name))).toEqual(["ok", "ok"]);
});

it("with an agent of the caller's own, a connection that never opens ends at connectionTimeout, naming the client and host", async () => {
  class NeverConnects extends HttpAgent {
    override createConnection(_options: ClientRequestArgs, _callback?: (err: Error | null, stream: Duplex) => void): undefined {
      return undefined; // the callback is never called: no socket ever comes
    }
  }
  const agent = new NeverConnects();
  const client = clientFor(server.url, { connectionTimeout: 80, requestTimeout: 10_000, maxAttempts: 2, requestHandler: { httpAgent: agent } });
  const r = await settle(client.send(new ListPipelinesCommand({})));
  client.destroy();
  expect(!r.ok && r.error).toMatchObject({ name: "TimeoutError", $metadata: { attempts: 2 } });
  expect(!r.ok && r.error.message).toBe(`CodePipelineClient: could not connect to 127.0.0.1:${server.port} within 80 ms (connectionTimeout)`);
  expect(!r.ok && r.error.cause).toMatchObject({ name: "TimeoutError" });
});

it("socketTimeout (a v3 handler option) ends a connection that goes quiet, naming the option", async () => {
  server.reply(() => {}); // reads the request, never answers
  const client = clientFor(server.url, { requestTimeout: 10_000, maxAttempts: 1, requestHandler: { socketTimeout: 100 } });
  const r = await settle(client.send(new ListPipelinesCommand({})));
  client.destroy();
  expect(!r.ok && r.error.name).toBe("TimeoutError");
  expect(!r.ok && r.error.message).toBe(`CodePipelineClient: the connection to 127.0.0.1:${server.port} was idle for 100 ms (socketTimeout)`);
  expect(!r.ok && r.error.cause).toBeInstanceOf(Error);
});

it("the handler can be passed as requestHandler: httpHandlerConfigs, updateHttpClientConfig and destroy work", async () => {
  server.reply(json({ pipelines: [] }));
  const handler = await createNodeHandler({ requestTimeout: 100, httpAgent: { maxSockets: 3 } });
  expect(handler.httpHandlerConfigs()).toMatchObject({ requestTimeout: 100, httpAgent: { maxSockets: 3 } });
  const client = clientFor(server.url, { requestHandler: handler, maxAttempts: 1 });

  // the client reads the request timeout from the handler's configuration
  server.reply(() => {});
  const quiet = await settle(client.send(new ListPipelinesCommand({})));
  expect(!quiet.ok && quiet.error.message).toMatch(/within 100 ms \(requestTimeout\)/);

  // a new agent is used from the next request on
  server.reply(json({ pipelines: [] }));
  const agent = new HttpAgent({ keepAlive: true });
  const createConnection = vi.spyOn(agent, "createConnection");
  handler.updateHttpClientConfig("httpAgent", agent);
  handler.updateHttpClientConfig("requestTimeout", 5_000);
  await client.send(new ListPipelinesCommand({}));
  expect(createConnection).toHaveBeenCalledTimes(1);
  expect(handler.httpHandlerConfigs()).toMatchObject({ requestTimeout: 5_000, httpAgent: agent });

  // destroy closes the pooled connections; the handler opens new ones if used again
  const before = opened.length;
  const port = opened[opened.length - 1]!;
  client.destroy();
  await vi.waitFor(() => expect(closed).toContain(port));
  await client.send(new ListPipelinesCommand({}));
  expect(opened.length).toBe(before + 1);
  handler.destroy();
});

it.each([
  ["NodeHttpHandler", () => new NodeHttpHandler({ requestTimeout: 5_000 })],
  ["FetchHttpHandler", () => new FetchHttpHandler({ requestTimeout: 5_000 })],
] as const)("%s: a requestTimeout changed with updateHttpClientConfig applies from the very next call", async (_, make) => {
  // these handlers forget their configuration at updateHttpClientConfig and report it again only once a request has started
  const handler = make();
  const client = clientFor(server.url, { requestHandler: handler, maxAttempts: 1 });
  server.reply(json({ pipelines: [] }));
  await client.send(new ListPipelinesCommand({}));
  handler.updateHttpClientConfig("requestTimeout", 100);
  expect(handler.httpHandlerConfigs()).toEqual({});
  server.reply(() => {});
  const started = Date.now();
  const stalled = await settle(client.send(new ListPipelinesCommand({})));
  expect(!stalled.ok && stalled.error.name).toBe("TimeoutError");
  expect(!stalled.ok && stalled.error.message).toMatch(/within 100 ms \(requestTimeout\)/);
  expect(Date.now() - started).toBeLessThan(4_000);
  // and back: the next change applies to the next call too, once the handler reports its configuration again
  handler.updateHttpClientConfig("requestTimeout", 150);
  const again = await settle(client.send(new ListPipelinesCommand({})));
  expect(!again.ok && again.error.message).toMatch(/within 150 ms \(requestTimeout\)/);
  client.destroy();
  handler.destroy();
});

it("an interceptor started or stopped after the first request still sees (or stops seeing) http requests", async () => {
  server.reply(json({ pipelines: [{ name: "real" }] }));
  const client = clientFor(server.url, { maxAttempts: 1 });
  const names = async () => (await client.send(new ListPipelinesCommand({}))).pipelines?.[0]?.name;
  const mock = setupServer(http.post(`${server.url}/`, () => HttpResponse.json({ pipelines: [{ name: "mocked" }] })));
  try {
    expect(await names()).toBe("real");
    mock.listen({ onUnhandledRequest: "error" });
    expect(await names()).toBe("mocked");
    expect(await names()).toBe("mocked");
  } finally {
    mock.close();
  }
  expect(await names()).toBe("real");
  client.destroy();
});

it("the default handler gets a v3-style signal object, custom handlers an AbortSignal; a timeout or an abort still closes the connection", async () => {
  server.reply(json({ pipelines: [] }));
  const handle = vi.spyOn(NodeHttpHandler.prototype, "handle");
  const client = clientFor(server.url, { maxAttempts: 1, requestTimeout: 150 });
  await client.send(new ListPipelinesCommand({})); // creates the default handler
  await client.send(new ListPipelinesCommand({}));
  const signalOf = (i: number) => handle.mock.calls.filter(([r]) => r.hostname === "127.0.0.1")[i]![1]!.abortSignal as any;
  for (const i of [0, 1]) {
    expect(signalOf(i)).not.toBeInstanceOf(AbortSignal);
    expect(signalOf(i)).toMatchObject({ aborted: false });
  }
  const seen: unknown[] = [];
  const custom = clientFor(server.url, { requestHandler: { handle: (r: any, o: any) => (seen.push(o.abortSignal), new NodeHttpHandler().handle(r, o)) } });
  await custom.send(new ListPipelinesCommand({}));
  expect(seen[0]).toBeInstanceOf(AbortSignal);

  let closes = 0;
  server.reply((_req, res) => void res.on("close", () => closes++));
  const timedOut = await settle(client.send(new ListPipelinesCommand({})));
  expect(!timedOut.ok && timedOut.error.name).toBe("TimeoutError");
  expect(signalOf(3)).toMatchObject({ aborted: true, reason: !timedOut.ok && timedOut.error });
  await vi.waitFor(() => expect(closes).toBe(1));

  const before = server.requests.length;
  const controller = new AbortController();
  const p = settle(client.send(new ListPipelinesCommand({}), { abortSignal: controller.signal }));
  await vi.waitFor(() => expect(server.requests).toHaveLength(before + 1));
  controller.abort();
  const aborted = await p;
  expect(!aborted.ok && aborted.error).toMatchObject({ name: "AbortError", message: "Request aborted" });
  expect(signalOf(4)).toMatchObject({ aborted: true });
  await vi.waitFor(() => expect(closes).toBe(2));
  client.destroy();
});
