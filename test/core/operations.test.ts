/**
 * Every operation through the whole stack: serialize, sign, transport, deserialize.
 * Table-driven from the generated samples (full input and output per operation, wire forms included).
 * Part one uses an injected request handler; part two sends through the default Node
 * handler for real and catches the request with msw at the network edge.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setupServer } from "msw/node";
import { http, HttpResponse as MswResponse } from "msw";
import * as commands from "../../commands/index.js";
import { samples } from "../generated/samples.js";
import { CodePipelineClient } from "../../src/client.js";
import { VERSION } from "../../src/version.js";
import { uaPair } from "../../src/user-agent.js";
import { SERVICE_ID } from "../../src/generated/service.js";
import { CREDENTIALS, REGION, UUID_V4, bodyText, clientWith, fakeHandler, verifyHttpRequest, verifySigV4 } from "./helpers.js";

type Sample = { input: object; inputWire: object; output: object; outputWire: object };
const table = Object.entries(samples as unknown as Record<string, Sample>);
const commandOf = (op: string) => (commands as unknown as Record<string, new (input?: object) => any>)[op + "Command"]!;

const RESPONSE_HEADERS = {
  "x-amzn-requestid": "req-0001",
  "x-amz-id-2": "ext-0002",
  "x-amz-cf-id": "cf-0003",
};
const metadata = {
  httpStatusCode: 200,
  requestId: "req-0001",
  extendedRequestId: "ext-0002",
  cfId: "cf-0003",
  attempts: 1,
  totalRetryDelay: 0,
};

it("the table covers all 44 operations, each with a command class", () => {
  expect(table).toHaveLength(44);
  for (const [op] of table) expect(typeof commandOf(op)).toBe("function");
});

describe("every operation over an injected request handler", () => {
  it.each(table)("%s", async (op, sample) => {
    const handler = fakeHandler({ headers: RESPONSE_HEADERS, body: sample.outputWire });
    const client = clientWith(handler);
    const Ctor = commandOf(op);
    const output = await client.send(new Ctor(structuredClone(sample.input)));

    // the request on the wire
    expect(handler.requests).toHaveLength(1);
    const req = handler.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.protocol).toBe("https:");
    expect(req.hostname).toBe(`codepipeline.${REGION}.amazonaws.com`);
    expect(req.path).toBe("/");
    const h = req.headers;
    expect(h["content-type"]).toBe("application/x-amz-json-1.1");
    expect(h["x-amz-target"]).toBe(`CodePipeline_20150709.${op}`);
    expect(h.host).toBe(`codepipeline.${REGION}.amazonaws.com`);
    const body = bodyText(req);
    expect(JSON.parse(body)).toEqual(sample.inputWire);
    expect(h["content-length"]).toBe(String(Buffer.byteLength(body)));
    expect(body).not.toMatch(/\n|": /); // compact
    expect(h["amz-sdk-invocation-id"]).toMatch(UUID_V4);
    expect(h["amz-sdk-request"]).toBe("attempt=1; max=3");
    expect(h["user-agent"]).toMatch(new RegExp(`^codepipeline-client/${VERSION} ua/2\\.1 os/\\S+ lang/js md/nodejs#\\S+ api/codepipeline#${VERSION} m/E$`));
    expect(h["x-amz-user-agent"]).toBe(`codepipeline-client/${VERSION}`);
    const v = verifyHttpRequest(req);
    expect(v.reason).toBeUndefined();
    expect(v.ok).toBe(true);
    expect(v.accessKeyId).toBe(CREDENTIALS.accessKeyId);
    expect(v.scope!.slice(1)).toEqual([REGION, "codepipeline", "aws4_request"]);
    expect(v.signedHeaders).toEqual([
      "amz-sdk-invocation-id",
      "amz-sdk-request",
      "content-length",
      "content-type",
      "host",
      "x-amz-content-sha256",
      "x-amz-date",
      "x-amz-target",
      "x-amz-user-agent",
    ]);

    // the parsed output
    expect(output).toEqual({ ...sample.output, $metadata: metadata });
    expect(Object.keys(output).at(-1)).toBe("$metadata");
  });
});

describe("StartPipelineExecution idempotency token", () => {
  const send = async (input: object) => {
    const handler = fakeHandler({ body: { pipelineExecutionId: "x" } });
    await clientWith(handler).send(new commands.StartPipelineExecutionCommand(input as any));
    return JSON.parse(bodyText(handler.requests[0]!));
  };

  it("is filled with a UUID v4 when absent", async () => {
    const body = await send({ name: "p" });
    expect(body).toEqual({ name: "p", clientRequestToken: expect.stringMatching(UUID_V4) });
  });

  it("is filled with a UUID v4 when null (v3 writes invalid JSON here)", async () => {
    const body = await send({ name: "p", clientRequestToken: null });
    expect(body.clientRequestToken).toMatch(UUID_V4);
  });

  it("is kept when given, the empty string included", async () => {
    expect((await send({ name: "p", clientRequestToken: "mine" })).clientRequestToken).toBe("mine");
    expect((await send({ name: "p", clientRequestToken: "" })).clientRequestToken).toBe("");
  });

  it("differs between calls and does not change the caller's input", async () => {
    const input = { name: "p" };
    const a = await send(input);
    const b = await send(input);
    expect(a.clientRequestToken).not.toBe(b.clientRequestToken);
    expect(input).toEqual({ name: "p" });
  });

  it("stays the same on every attempt of one call", async () => {
    const handler = fakeHandler((_req, n) => (n === 1 ? { statusCode: 503, body: { __type: "ServiceUnavailable" } } : { body: {} }));
    const client = clientWith(handler, { retryStrategy: noDelayRetry() });
    await client.send(new commands.StartPipelineExecutionCommand({ name: "p" }));
    expect(handler.requests).toHaveLength(2);
    const [a, b] = handler.requests.map((r) => JSON.parse(bodyText(r)).clientRequestToken);
    expect(a).toMatch(UUID_V4);
    expect(b).toBe(a);
    expect(handler.requests[0]!.headers["amz-sdk-invocation-id"]).toBe(handler.requests[1]!.headers["amz-sdk-invocation-id"]);
    expect(handler.requests.map((r) => r.headers["amz-sdk-request"])).toEqual(["attempt=1; max=3", "attempt=2; max=3"]);
  });
});

describe("request details", () => {
  it("sends {} for an undefined input and for an input of only null/undefined members", async () => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler);
    await client.send(new commands.ListPipelinesCommand(undefined as any));
    await client.send(new commands.ListPipelinesCommand({ nextToken: undefined, maxResults: null as any }));
    expect(handler.requests.map(bodyText)).toEqual(["{}", "{}"]);
  });

  it("signs the session token and counts content-length in bytes", async () => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler, { credentials: { ...CREDENTIALS, sessionToken: "TOKEN/é" } });
    await client.send(new commands.GetPipelineCommand({ name: "pipeline-é✓" }));
    const req = handler.requests[0]!;
    expect(req.headers["x-amz-security-token"]).toBe("TOKEN/é");
    expect(req.headers["content-length"]).toBe(String(Buffer.byteLength(bodyText(req))));
    const v = verifyHttpRequest(req);
    expect(v.ok).toBe(true);
    expect(v.signedHeaders).toContain("x-amz-security-token");
  });

  it("signs with now + systemClockOffset", async () => {
    const handler = fakeHandler({ body: {} });
    const offset = 3 * 3600_000;
    await clientWith(handler, { systemClockOffset: offset }).send(new commands.ListPipelinesCommand({}));
    const amzDate = handler.requests[0]!.headers["x-amz-date"]!;
    const signed = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
    expect(Math.abs(signed - (Date.now() + offset))).toBeLessThan(60_000);
  });

  it("appends customUserAgent to both user agents, escaped", async () => {
    const handler = fakeHandler({ body: {} });
    await clientWith(handler, { customUserAgent: [["my app", "1.2#3"], ["flag"]] }).send(new commands.ListPipelinesCommand({}));
    const h = handler.requests[0]!.headers;
    expect(h["x-amz-user-agent"]).toBe(`codepipeline-client/${VERSION} my-app/1.2#3 flag`);
    expect(h["user-agent"]).toMatch(/ m\/E my-app\/1\.2#3 flag$/);
    const handler2 = fakeHandler({ body: {} });
    await clientWith(handler2, { customUserAgent: "my-app/1.2 extra", userAgentAppId: "app id" }).send(new commands.ListPipelinesCommand({}));
    expect(handler2.requests[0]!.headers["user-agent"]).toMatch(/ m\/E app\/app-id my-app\/1\.2-extra$/);
    // v3 escaping: a `prefix/name` pair joins its version with `#`, and `api/` names are lower-cased
    const handler3 = fakeHandler({ body: {} });
    await clientWith(handler3, { customUserAgent: [["md/my tool", "2.0"], ["api/MyLib", "1"]] }).send(new commands.ListPipelinesCommand({}));
    expect(handler3.requests[0]!.headers["x-amz-user-agent"]).toBe(`codepipeline-client/${VERSION} md/my-tool#2.0 api/mylib#1`);
  });

  it("spells the SDK's own api pair as the escaping would (settings.ts writes it out, the escaping loads only for custom pairs)", () => {
    expect(uaPair("api/" + SERVICE_ID, VERSION)).toBe(`api/codepipeline#${VERSION}`);
    expect(uaPair("app", "app id")).toBe("app/app-id");
  });

  it("adds N to the features and keeps the endpoint path for a custom endpoint", async () => {
    const handler = fakeHandler({ body: {} });
    await clientWith(handler, { endpoint: "http://127.0.0.1:4566/base" }).send(new commands.ListPipelinesCommand({}));
    const req = handler.requests[0]!;
    expect(req.protocol).toBe("http:");
    expect(req.hostname).toBe("127.0.0.1");
    expect(req.port).toBe(4566);
    expect(req.path).toBe("/base/");
    expect(req.headers.host).toBe("127.0.0.1:4566");
    expect(req.headers["user-agent"]).toMatch(/ m\/E,N$/);
    expect(verifyHttpRequest(req).ok).toBe(true);
  });

  it("puts maxAttempts in amz-sdk-request", async () => {
    const handler = fakeHandler({ body: {} });
    await clientWith(handler, { maxAttempts: 5 }).send(new commands.ListPipelinesCommand({}));
    expect(handler.requests[0]!.headers["amz-sdk-request"]).toBe("attempt=1; max=5");
  });

  it("gives each call its own invocation id", async () => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler);
    await Promise.all([client.send(new commands.ListPipelinesCommand({})), client.send(new commands.ListPipelinesCommand({}))]);
    const [a, b] = handler.requests.map((r) => r.headers["amz-sdk-invocation-id"]);
    expect(a).not.toBe(b);
  });

  it("writes input Dates as epoch seconds", async () => {
    const handler = fakeHandler({ body: {} });
    await clientWith(handler).send(
      new commands.PutActionRevisionCommand({
        pipelineName: "p",
        stageName: "s",
        actionName: "a",
        actionRevision: { revisionId: "r", revisionChangeId: "c", created: new Date(1700000000123) },
      }),
    );
    expect(bodyText(handler.requests[0]!)).toContain('"created":1700000000.123');
  });
});

describe("response details", () => {
  it("reads an empty body as an output of only $metadata", async () => {
    const handler = fakeHandler({ body: "" });
    const out = await clientWith(handler).send(new commands.DeletePipelineCommand({ name: "p" }));
    expect(out).toEqual({ $metadata: { ...metadata, requestId: undefined, extendedRequestId: undefined, cfId: undefined } });
    expect(Object.keys(out.$metadata)).toEqual(["httpStatusCode", "requestId", "extendedRequestId", "cfId", "attempts", "totalRetryDelay"]);
  });

  it("takes the request id from x-amzn-request-id or x-amz-request-id when x-amzn-requestid is missing", async () => {
    for (const name of ["x-amzn-request-id", "x-amz-request-id"]) {
      const out = await clientWith(fakeHandler({ headers: { [name]: "rid" }, body: {} })).send(new commands.ListPipelinesCommand({}));
      expect(out.$metadata.requestId).toBe("rid");
    }
  });

  it("ignores unknown fields' types and converts numeric-string timestamps", async () => {
    const handler = fakeHandler({ body: { pipelines: [{ name: "p", created: "1700000000.5", updated: 1700000001 }] } });
    const out = await clientWith(handler).send(new commands.ListPipelinesCommand({}));
    expect(out.pipelines![0]!.created).toEqual(new Date(1700000000500));
    expect(out.pipelines![0]!.updated).toEqual(new Date(1700000001000));
  });

  it("reads a streamed response body", async () => {
    const { Readable } = await import("node:stream");
    const handler: any = {
      async handle() {
        return {
          response: {
            statusCode: 200,
            headers: {},
            body: Readable.from([Buffer.from('{"pipelines":[{"na'), Buffer.from('me":"p"}]}')]),
          },
        };
      },
    };
    const out = await clientWith(handler).send(new commands.ListPipelinesCommand({}));
    expect(out.pipelines).toEqual([{ name: "p" }]);
  });
});

/** A retry strategy that always allows a retry, without waiting. */
function noDelayRetry() {
  const token = { getRetryCount: () => 0, getRetryDelay: () => 0 };
  let left = 3;
  return {
    acquireInitialRetryToken: async () => token,
    refreshRetryTokenForRetry: async (_t: unknown, info: { error?: unknown }) => {
      if (--left <= 0) throw info.error;
      return token;
    },
    recordSuccess: () => {},
  };
}

describe("every operation through the default Node handler, caught by msw", () => {
  const host = `https://codepipeline.${REGION}.amazonaws.com`;
  const seen: { headers: Record<string, string>; body: string; url: string }[] = [];
  const server = setupServer(
    http.post(`${host}/`, async ({ request }) => {
      const body = await request.text();
      const headers: Record<string, string> = {};
      request.headers.forEach((value, key) => (headers[key] = value));
      seen.push({ headers, body, url: request.url });
      const op = headers["x-amz-target"]!.split(".")[1]!;
      const verified = verifySigV4({ method: request.method, path: new URL(request.url).pathname, headers, body });
      if (!verified.ok)
        return MswResponse.json({ __type: "InvalidSignatureException", message: verified.reason }, { status: 403, headers: RESPONSE_HEADERS });
      const sample = (samples as unknown as Record<string, Sample>)[op]!;
      return MswResponse.json(sample.outputWire, { headers: { ...RESPONSE_HEADERS, "content-type": "application/x-amz-json-1.1" } });
    }),
  );
  let client: CodePipelineClient;
  beforeAll(() => {
    server.listen({ onUnhandledRequest: "error" });
    client = new CodePipelineClient({ region: REGION, credentials: CREDENTIALS });
  });
  afterEach(() => {
    seen.length = 0;
  });
  afterAll(() => {
    client.destroy();
    server.close();
  });

  // Users test with msw or nock, which patch `request` on the node:http/node:https module
  // objects: the default handler must call it through them (a default import, not a
  // namespace import, whose bindings are not patched).
  it("the default Node handler's requests can be intercepted like any Node HTTP client", async () => {
    const p = client.send(new commands.ListPipelinesCommand({}), { requestTimeout: 2_000 });
    await p.catch(() => {});
    expect(seen.length, "msw did not see the request: does the handler use `import * as https` instead of `import https`?").toBe(1);
    await expect(p).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
  });

  it.each(table)("%s", async (op, sample) => {
    const output = await client.send(new (commandOf(op))(structuredClone(sample.input)));
    expect(seen).toHaveLength(1);
    const { headers, body, url } = seen[0]!;
    expect(url).toBe(`${host}/`);
    expect(headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(headers["x-amz-target"]).toBe(`CodePipeline_20150709.${op}`);
    expect(JSON.parse(body)).toEqual(sample.inputWire);
    expect(headers["amz-sdk-request"]).toBe("attempt=1; max=3");
    expect(headers["amz-sdk-invocation-id"]).toMatch(UUID_V4);
    expect(headers["user-agent"]).toMatch(/^codepipeline-client\//);
    expect(output).toEqual({ ...sample.output, $metadata: metadata });
  });
});
