/**
 * The ways to call: promise, callback, options + callback, the aggregated
 * CodePipeline class (all forms), and destroy().
 */
import { describe, expect, it, vi } from "vitest";
import * as commands from "../../commands/index.js";
import { CodePipelineClient } from "../../src/client.js";
import { CodePipeline } from "../../src/generated/CodePipeline.js";
import { CodePipelineServiceException } from "../../src/exception.js";
import { PipelineNotFoundException } from "../../models/errors.js";
import { samples } from "../generated/samples.js";
import { CREDENTIALS, REGION, bodyText, clientWith, fakeHandler, lowerFirst } from "./helpers.js";

const ok = () => fakeHandler({ headers: { "x-amzn-requestid": "r1" }, body: { pipelines: [{ name: "p", created: 1700000000 }] } });
const notFound = () => fakeHandler({ statusCode: 400, body: { __type: "PipelineNotFoundException", message: "gone" } });

/** Resolves with the callback's arguments. */
const viaCallback = <T>(call: (cb: (err: unknown, data?: T) => void) => unknown) =>
  new Promise<{ err: unknown; data?: T; returned: unknown; calls: number }>((resolve) => {
    let calls = 0;
    let returned: unknown;
    returned = call((err, data) => {
      calls++;
      // let a second (wrong) call show up before resolving
      setTimeout(() => resolve({ err, data, returned, calls }), 10);
    });
  });

describe("client.send", () => {
  it("returns a promise of the output", async () => {
    const client = clientWith(ok());
    const p = client.send(new commands.ListPipelinesCommand({}));
    expect(p).toBeInstanceOf(Promise);
    const out = await p;
    expect(out.pipelines).toEqual([{ name: "p", created: new Date(1700000000000) }]);
    expect(out.$metadata.requestId).toBe("r1");
  });

  it("rejects with the typed error", async () => {
    const client = clientWith(notFound(), { maxAttempts: 1 });
    await expect(client.send(new commands.GetPipelineCommand({ name: "p" }))).rejects.toBeInstanceOf(PipelineNotFoundException);
  });

  it("send(command, cb) calls back once with (null, data) and returns undefined", async () => {
    const client = clientWith(ok());
    const r = await viaCallback((cb) => client.send(new commands.ListPipelinesCommand({}), cb));
    expect(r.returned).toBeUndefined();
    expect(r.err).toBeNull();
    expect((r.data as any).pipelines[0].name).toBe("p");
    expect(r.calls).toBe(1);
  });

  it("send(command, cb) calls back with the error", async () => {
    const client = clientWith(notFound(), { maxAttempts: 1 });
    const r = await viaCallback((cb) => client.send(new commands.GetPipelineCommand({ name: "p" }), cb));
    expect(r.err).toBeInstanceOf(PipelineNotFoundException);
    expect(r.data).toBeUndefined();
    expect(r.calls).toBe(1);
  });

  it("send(command, options, cb) passes the options on and calls back", async () => {
    const handler = ok();
    const client = clientWith(handler);
    const r = await viaCallback((cb) => client.send(new commands.ListPipelinesCommand({}), { requestTimeout: 1234 }, cb));
    expect(r.err).toBeNull();
    expect((handler.options[0] as any).requestTimeout).toBe(1234);
    expect((handler.options[0] as any).abortSignal).toBeDefined();
  });

  it("send(command, non-object, cb) calls back with a TypeError, as v3 does", async () => {
    const handler = ok();
    const client = clientWith(handler);
    const r = await viaCallback((cb) => client.send(new commands.ListPipelinesCommand({}), "fast" as any, cb));
    expect(r.err).toBeInstanceOf(TypeError);
    expect((r.err as Error).message).toBe("Expected http options but got string");
    expect(handler.requests).toHaveLength(0);
  });

  it("send(command, null, cb) is the callback form with no options, as in v3", async () => {
    const r = await viaCallback((cb) => clientWith(ok()).send(new commands.ListPipelinesCommand({}), null as any, cb));
    expect(r.err).toBeNull();
    expect((r.data as any).pipelines).toHaveLength(1);
  });

  it("an exception thrown by the callback does not call it again nor become an unhandled rejection", async () => {
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const client = clientWith(ok());
      let calls = 0;
      client.send(new commands.ListPipelinesCommand({}), () => {
        calls++;
        throw new Error("from the callback");
      });
      await new Promise((r) => setTimeout(r, 30));
      expect(calls).toBe(1);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });

  it("forwards the abort signal: aborting rejects at once", async () => {
    const handler: any = {
      handle: (_req: unknown, opts: { abortSignal: AbortSignal }) =>
        new Promise((_, reject) => opts.abortSignal.addEventListener("abort", () => reject(new Error("handler saw abort")))),
    };
    const client = clientWith(handler);
    const controller = new AbortController();
    const p = client.send(new commands.ListPipelinesCommand({}), { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
  });

  it("the same command object can be sent twice, and by two clients", async () => {
    const h1 = ok();
    const h2 = ok();
    const cmd = new commands.ListPipelinesCommand({ maxResults: 5 });
    await clientWith(h1).send(cmd);
    await clientWith(h1).send(cmd);
    await clientWith(h2, { region: "us-west-2" }).send(cmd);
    expect(h1.requests).toHaveLength(2);
    expect(h2.requests[0]!.hostname).toBe("codepipeline.us-west-2.amazonaws.com");
    expect(cmd.input).toEqual({ maxResults: 5 });
  });

  it("a command's input defaults to {}", () => {
    expect(new commands.ListPipelinesCommand(undefined as any).input).toEqual({});
  });
});

describe("CodePipeline (aggregated)", () => {
  const table = Object.entries(samples as unknown as Record<string, { input: object; outputWire: object }>);

  it("is a CodePipelineClient with one lower-camel method per operation", () => {
    const cp = new CodePipeline({ region: REGION, credentials: CREDENTIALS });
    expect(cp).toBeInstanceOf(CodePipelineClient);
    for (const [op] of table) expect(typeof (cp as any)[lowerFirst(op)], op).toBe("function");
  });

  it.each(table)("%s in promise, callback and options+callback forms", async (op, sample) => {
    const handler = fakeHandler({ body: sample.outputWire });
    const cp = new CodePipeline({ region: REGION, credentials: CREDENTIALS, requestHandler: handler });
    const method = (cp as any)[lowerFirst(op)].bind(cp);
    const out = await method(structuredClone(sample.input));
    expect(out.$metadata.httpStatusCode).toBe(200);
    const cb = await viaCallback((cb) => method(structuredClone(sample.input), cb));
    expect(cb.err).toBeNull();
    expect(cb.data).toEqual(out);
    const cb2 = await viaCallback((cb) => method(structuredClone(sample.input), { requestTimeout: 999 }, cb));
    expect(cb2.err).toBeNull();
    expect(handler.requests.map((r) => r.headers["x-amz-target"])).toEqual(Array(3).fill(`CodePipeline_20150709.${op}`));
    expect((handler.options[2] as any).requestTimeout).toBe(999);
  });

  it.each(["deregisterWebhookWithThirdParty", "listActionTypes", "listPipelines", "listRuleTypes", "listWebhooks", "registerWebhookWithThirdParty"])(
    "%s() takes no argument and sends {}",
    async (method) => {
      const handler = fakeHandler({ body: {} });
      const cp = new CodePipeline({ region: REGION, credentials: CREDENTIALS, requestHandler: handler });
      const out = await (cp as any)[method]();
      expect(out.$metadata.httpStatusCode).toBe(200);
      expect(bodyText(handler.requests[0]!)).toBe("{}");
    },
  );

  it("rejects and calls back with typed errors", async () => {
    const cp = new CodePipeline({ region: REGION, credentials: CREDENTIALS, requestHandler: notFound(), maxAttempts: 1 });
    await expect(cp.getPipeline({ name: "p" })).rejects.toBeInstanceOf(PipelineNotFoundException);
    const r = await viaCallback((cb) => cp.getPipeline({ name: "p" }, cb));
    expect(r.err).toBeInstanceOf(CodePipelineServiceException);
    expect((r.err as Error).name).toBe("PipelineNotFoundException");
  });

  it("shares its middleware stack with send", async () => {
    const handler = fakeHandler({ body: {} });
    const cp = new CodePipeline({ region: REGION, credentials: CREDENTIALS, requestHandler: handler });
    cp.middlewareStack.add((next) => (args: any) => next({ ...args, input: { ...args.input, maxResults: 7 } }), { step: "initialize" });
    await cp.listPipelines({});
    expect(JSON.parse(bodyText(handler.requests[0]!))).toEqual({ maxResults: 7 });
  });
});

describe("destroy()", () => {
  it("destroys an injected request handler", () => {
    const handler = fakeHandler();
    const client = clientWith(handler);
    client.destroy();
    expect(handler.destroyed()).toBe(1);
  });

  it("is harmless on a client that never sent, and on a handler without destroy", () => {
    expect(() => new CodePipelineClient({ region: REGION, credentials: CREDENTIALS }).destroy()).not.toThrow();
    expect(() => clientWith({ handle: async () => ({ response: {} as any }) }).destroy()).not.toThrow();
  });

  it("closes the default Node handler's keep-alive connections", async () => {
    const { createServer } = await import("node:http");
    const sockets: import("node:net").Socket[] = [];
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end('{"pipelines":[]}');
    });
    server.on("connection", (s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as { port: number };
      const client = new CodePipelineClient({ region: REGION, credentials: CREDENTIALS, endpoint: `http://127.0.0.1:${port}` });
      await client.send(new commands.ListPipelinesCommand({}));
      await client.send(new commands.ListPipelinesCommand({}));
      expect(sockets).toHaveLength(1); // kept alive and reused
      const closed = new Promise((r) => sockets[0]!.once("close", r));
      expect(sockets[0]!.destroyed).toBe(false);
      client.destroy();
      await closed;
      expect(sockets[0]!.destroyed).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
