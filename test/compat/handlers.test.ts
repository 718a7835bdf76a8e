/**
 * Request handlers from the v3 ecosystem (@smithy/node-http-handler) plugged into our client,
 * against a local HTTP server.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NodeHttpHandler, type NodeHttpHandlerOptions } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodePipelineClient, ListPipelinesCommand } from "../../src/index.js";

let server: Server;
let endpoint: string;
const seen: { target?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ target: req.headers["x-amz-target"] as string | undefined, body });
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "local-1" });
      res.end('{"pipelines":[{"name":"from-server"}]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("v3 request handlers", () => {
  it("a NodeHttpHandler instance from @smithy/node-http-handler sends our requests", async () => {
    const requestHandler = new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 5_000 });
    const client = new CodePipelineClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "a", secretAccessKey: "b" }, requestHandler });
    const out = await client.send(new ListPipelinesCommand({ maxResults: 2 }));
    expect(out.pipelines).toEqual([{ name: "from-server" }]);
    expect(out.$metadata.requestId).toBe("local-1");
    expect(seen.at(-1)).toEqual({ target: "CodePipeline_20150709.ListPipelines", body: '{"maxResults":2}' });
    client.destroy();
  });

  it("handler options typed as v3's NodeHttpHandlerOptions configure the default handler", async () => {
    const requestHandler: NodeHttpHandlerOptions = { connectionTimeout: 2_000, requestTimeout: 5_000 };
    const client = new CodePipelineClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "a", secretAccessKey: "b" }, requestHandler });
    const out = await client.send(new ListPipelinesCommand({}));
    expect(out.pipelines).toEqual([{ name: "from-server" }]);
    client.destroy();
  });
});
