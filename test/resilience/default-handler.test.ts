/**
 * The default Node handler is created at the first request; a failure to create it is not kept,
 * so the next call tries again.
 */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { ListPipelinesCommand } from "../../src/index.js";
import { clientFor, json, settle, startServer, type TestServer } from "./helpers.js";

const failures = vi.hoisted(() => ({ left: 1, calls: 0 }));
vi.mock("../../src/runtime/node-http.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/runtime/node-http.js")>();
  return {
    ...real,
    createNodeHandler: async (options: Parameters<typeof real.createNodeHandler>[0]) => {
      failures.calls++;
      if (failures.left-- > 0) throw new Error("agent setup failed");
      return real.createNodeHandler(options);
    },
  };
});

let server: TestServer;
beforeAll(async () => {
  server = await startServer(json({ pipelines: [{ name: "p" }] }));
});
afterAll(() => server.close());

it("a failed creation is tried again at the next call, and the handler is then created once", async () => {
  const client = clientFor(server.url, { maxAttempts: 1 });
  const first = await settle(client.send(new ListPipelinesCommand({})));
  expect(!first.ok && first.error.message).toMatch(/agent setup failed/);
  expect(server.requests).toHaveLength(0);
  const second = await client.send(new ListPipelinesCommand({}));
  const third = await client.send(new ListPipelinesCommand({}));
  expect([second.pipelines?.[0]?.name, third.pipelines?.[0]?.name]).toEqual(["p", "p"]);
  expect(failures.calls).toBe(2);
  client.destroy();
});

it("destroy before any request creates nothing", async () => {
  const before = failures.calls;
  clientFor(server.url).destroy();
  await new Promise((r) => setImmediate(r));
  expect(failures.calls).toBe(before);
});
