/**
 * Many calls through one client against a real server on 127.0.0.1: every promise
 * settles with its own answer, none is lost, nothing is left running, memory stays
 * bounded; and the pool warning that names the client.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { ListPipelinesCommand } from "../../src/index.js";
import { clientFor, json, serviceError, settle, startServer, type TestServer } from "./helpers.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

let server: TestServer;
let connections = 0;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
beforeAll(async () => {
  server = await startServer();
  server.server.on("connection", () => connections++);
  process.on("unhandledRejection", onUnhandled);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await server.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Echoes the call's nextToken as the pipeline name; the first attempt of one request in 100 is a 503 (20 retries fit in the quota). */
const echo = () =>
  server.reply((req, res, n, raw) => {
    const { nextToken } = JSON.parse(req.body) as { nextToken: string };
    if (n % 100 === 0 && String(req.headers["amz-sdk-request"]).startsWith("attempt=1;"))
      return serviceError(503, "ServiceUnavailableException")(req, res, n, raw);
    return json({ pipelines: [{ name: nextToken }] })(req, res, n, raw);
  });

it("2,000 concurrent calls through one client: each settles with its own answer, none lost, nothing left behind", async () => {
  vi.spyOn(Math, "random").mockReturnValue(0);
  echo();
  const warnings: string[] = [];
  const logger = { trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
  const client = clientFor(server.url, { logger });
  await client.send(new ListPipelinesCommand({ nextToken: "warm" }));
  const timersBefore = timers();

  const run = async () => {
    const results = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => settle(client.send(new ListPipelinesCommand({ nextToken: `call-${i}` })))),
    );
    const failures = results.filter((r) => !r.ok);
    expect(failures).toEqual([]);
    const mismatched = results.filter((r, i) => !(r.ok && r.value.pipelines?.[0]?.name === `call-${i}`));
    expect(mismatched).toEqual([]);
    return results.length;
  };

  const heapStart = heapAfterGc();
  expect(await run()).toBe(2000);
  const heapAfterFirst = heapAfterGc();
  expect(await run()).toBe(2000);
  const heapAfterSecond = heapAfterGc();

  expect(unhandled).toEqual([]);
  expect(timers()).toBeLessThanOrEqual(timersBefore); // every per-attempt timer was cleared
  expect(connections).toBeLessThanOrEqual(50); // the pool's 50 sockets were reused, not one per call
  expect(heapAfterFirst - heapStart).toBeLessThan(40 * 1024 * 1024);
  expect(heapAfterSecond - heapAfterFirst).toBeLessThan(10 * 1024 * 1024); // a second round keeps nothing more
  client.destroy();
});

it("time spent waiting for a free socket counts toward the request timeout", async () => {
  // one socket, a server that takes 300 ms: the second call waits 300 ms for the socket, then 300 ms more
  server.reply((req, res, n, raw) => void setTimeout(() => json({ pipelines: [{ name: `n${n}` }] })(req, res, n, raw), 300));
  const client = clientFor(server.url, { requestTimeout: 450, maxAttempts: 1, requestHandler: { httpAgent: { maxSockets: 1 } }, logger: quiet });
  const [first, second] = await Promise.all([settle(client.send(new ListPipelinesCommand({}))), settle(client.send(new ListPipelinesCommand({})))]);
  client.destroy();
  expect(first.ok).toBe(true);
  expect(!second.ok && second.error.name).toBe("TimeoutError");
});

it("warns once, naming the client and maxSockets, when calls queue for sockets", async () => {
  server.reply((req, res, n, raw) => void setTimeout(() => json({ pipelines: [] })(req, res, n, raw), 60));
  const warnings: string[] = [];
  const logger = { trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
  const client = clientFor(server.url, {
    logger,
    requestHandler: { httpAgent: { maxSockets: 2 }, socketAcquisitionWarningTimeout: 20 },
  });
  const results = await Promise.all(Array.from({ length: 12 }, () => settle(client.send(new ListPipelinesCommand({})))));
  client.destroy();
  expect(results.every((r) => r.ok)).toBe(true);
  expect(warnings).toHaveLength(1); // at most one every 15 s
  expect(warnings[0]).toMatch(/^CodePipelineClient: \d+ requests are waiting for a free connection \(2 sockets busy, maxSockets=2\)/);
  expect(warnings[0]).toContain("new CodePipelineClient({ requestHandler: { httpAgent: { maxSockets: 100 } } })");
});

it("the pool size can be raised: with maxSockets 8 nothing queues for 8 parallel calls", async () => {
  server.reply((req, res, n, raw) => void setTimeout(() => json({ pipelines: [] })(req, res, n, raw), 40));
  const warnings: string[] = [];
  const logger = { trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
  const before = connections;
  const client = clientFor(server.url, { logger, requestHandler: { httpAgent: { maxSockets: 8 }, socketAcquisitionWarningTimeout: 200 } });
  await Promise.all(Array.from({ length: 8 }, () => client.send(new ListPipelinesCommand({}))));
  client.destroy();
  expect(warnings).toEqual([]);
  expect(connections - before).toBe(8);
});
