/**
 * The client's middleware: default order, user and command middleware, v3 plugins,
 * and each default middleware alone with a fake `next`.
 */
import { describe, expect, it, vi } from "vitest";
import type { HttpRequest } from "@smithy/types";
import { getRecursionDetectionPlugin } from "@aws-sdk/core/client";
import * as commands from "../../commands/index.js";
import { getSettings, resolveConfig, settingsOf } from "../../src/settings.js";
import type { CallContext } from "../../src/middleware/types.js";
import { loggerMiddleware } from "../../src/middleware/01-logger.js";
import { endpointMiddleware } from "../../src/middleware/02-endpoint.js";
import { serializerMiddleware } from "../../src/middleware/03-serializer.js";
import { contentLengthMiddleware } from "../../src/middleware/04-content-length.js";
import { userAgentMiddleware } from "../../src/middleware/05-user-agent.js";
import { hostHeaderMiddleware } from "../../src/middleware/06-host-header.js";
import { recursionDetectionMiddleware } from "../../src/middleware/07-recursion-detection.js";
import { retryMiddleware } from "../../src/middleware/08-retry.js";
import { signingMiddleware } from "../../src/middleware/09-signing.js";
import { deserializerMiddleware } from "../../src/middleware/10-deserializer.js";
import { CodePipelineServiceException } from "../../src/exception.js";
import { PipelineNotFoundException } from "../../models/errors.js";
import { VERSION } from "../../src/version.js";
import { CREDENTIALS, REGION, UUID_V4, bodyText, clientWith, fakeHandler, toResponse, verifyHttpRequest } from "./helpers.js";

const DEFAULT_ORDER = [
  // Node: steps aside (adds nothing to a call) until an OpenTelemetry provider is registered
  "tracingMiddleware - initialize",
  "loggerMiddleware - initialize",
  "httpAuthSchemeMiddleware - serialize",
  "endpointV2Middleware - serialize",
  "serializerMiddleware - serialize",
  "contentLengthMiddleware - build",
  "userAgentMiddleware (a.k.a. getUserAgentMiddleware) - build",
  "hostHeaderMiddleware - build",
  "recursionDetectionMiddleware - build",
  "retryMiddleware - finalizeRequest",
  "httpSigningMiddleware (a.k.a. apiKeyMiddleware,tokenMiddleware,awsAuthMiddleware) - after retryMiddleware",
  "tracingAttemptMiddleware - finalizeRequest",
  "deserializerMiddleware - deserialize",
];

describe("the client stack", () => {
  it("has the default middleware in this order", () => {
    expect(clientWith(fakeHandler()).middlewareStack.identify()).toEqual(DEFAULT_ORDER);
  });

  it("runs them in that order, around the transport", async () => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler);
    const seen: string[] = [];
    const spy = (tag: string) => (next: any) => async (args: any) => {
      seen.push(`${tag}:${args.request ? Object.keys(args.request.headers).sort().join(",") : "no request"}`);
      return next(args);
    };
    client.middlewareStack.add(spy("initialize"), { step: "initialize", priority: "low" });
    client.middlewareStack.add(spy("build"), { step: "build" });
    client.middlewareStack.addRelativeTo(spy("before-sign"), { relation: "before", toMiddleware: "httpSigningMiddleware" });
    client.middlewareStack.addRelativeTo(spy("after-sign"), { relation: "after", toMiddleware: "httpSigningMiddleware" });
    await client.send(new commands.ListPipelinesCommand({}));
    expect(seen).toEqual([
      "initialize:no request",
      "build:content-length,content-type,x-amz-target",
      "before-sign:amz-sdk-invocation-id,amz-sdk-request,content-length,content-type,host,user-agent,x-amz-target,x-amz-user-agent",
      expect.stringMatching(/^after-sign:.*authorization,.*x-amz-content-sha256,x-amz-date,/),
    ]);
  });

  it("signs a header that user middleware adds in the build step", async () => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler);
    client.middlewareStack.add(
      (next) => async (args: any) => {
        args.request.headers["x-team"] = "blue";
        return next(args);
      },
      { step: "build", name: "teamHeader" },
    );
    await client.send(new commands.ListPipelinesCommand({}));
    const req = handler.requests[0]!;
    expect(req.headers["x-team"]).toBe("blue");
    const v = verifyHttpRequest(req);
    expect(v.ok).toBe(true);
    expect(v.signedHeaders).toContain("x-team");
  });

  it("re-signs every attempt, and each attempt's signature covers its own amz-sdk-request", async () => {
    const handler = fakeHandler((_r, n) => (n < 3 ? { statusCode: 500, body: { __type: "InternalFailure" } } : { body: {} }));
    const client = clientWith(handler);
    const out = await client.send(new commands.ListPipelinesCommand({}));
    expect(out.$metadata.attempts).toBe(3);
    expect(handler.requests.map((r) => r.headers["amz-sdk-request"])).toEqual(["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]);
    for (const r of handler.requests) expect(verifyHttpRequest(r).ok).toBe(true);
  });

  it("lets middleware read clientName and commandName from the context", async () => {
    const client = clientWith(fakeHandler({ body: {} }));
    const names: string[] = [];
    client.middlewareStack.add((next, context) => (args) => {
      names.push(`${context.clientName}/${context.commandName}`);
      return next(args);
    });
    await client.send(new commands.ListPipelinesCommand({}));
    await client.send(new commands.GetPipelineCommand({ name: "p" }));
    expect(names).toEqual(["CodePipelineClient/ListPipelinesCommand", "CodePipelineClient/GetPipelineCommand"]);
  });

  it("lets initialize middleware change the input and answer without the network", async () => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler);
    client.middlewareStack.add(
      () => async () => ({ output: { pipelines: [{ name: "cached" }], $metadata: {} }, response: undefined }),
      { step: "initialize", priority: "high", name: "cache" },
    );
    const out = await client.send(new commands.ListPipelinesCommand({}));
    expect(out.pipelines).toEqual([{ name: "cached" }]);
    expect(handler.requests).toHaveLength(0);
  });

  it("lets deserialize-step middleware see the raw response and the parsed output", async () => {
    const client = clientWith(fakeHandler({ headers: { "x-extra": "1" }, body: { pipelines: [] } }));
    let raw: any;
    client.middlewareStack.addRelativeTo(
      (next: any) => async (args: any) => {
        const result: any = await next(args);
        raw = result.response;
        result.output.seen = true;
        return result;
      },
      { relation: "before", toMiddleware: "deserializerMiddleware" },
    );
    const out: any = await client.send(new commands.ListPipelinesCommand({}));
    expect(raw.headers["x-extra"]).toBe("1");
    expect(out.seen).toBe(true);
  });

  it("v3 names of the signing and user-agent middleware can be used as anchors", async () => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler);
    client.middlewareStack.addRelativeTo(
      (next: any) => (args: any) => next({ ...args, request: { ...args.request, headers: { ...args.request.headers, "x-before-auth": "1" } } }),
      { relation: "before", toMiddleware: "awsAuthMiddleware", name: "beforeAuth" },
    );
    client.middlewareStack.addRelativeTo((next: any) => (args: any) => next(args), { relation: "after", toMiddleware: "getUserAgentMiddleware" });
    await client.send(new commands.ListPipelinesCommand({}));
    expect(verifyHttpRequest(handler.requests[0]!).signedHeaders).toContain("x-before-auth");
  });

  it("works with a v3 plugin (getRecursionDetectionPlugin from @aws-sdk/core)", async () => {
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "my-function");
    vi.stubEnv("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793");
    try {
      const handler = fakeHandler({ body: {} });
      const client = clientWith(handler);
      client.middlewareStack.use(getRecursionDetectionPlugin({ runtime: "node" } as any));
      expect(client.middlewareStack.identify()).toContain("recursionDetectionMiddleware - build");
      await client.send(new commands.ListPipelinesCommand({}));
      const req = handler.requests[0]!;
      expect(req.headers["X-Amzn-Trace-Id"]).toBe("Root=1-5759e988-bd862e3fe1be46a994272793");
      const v = verifyHttpRequest(req);
      expect(v.ok).toBe(true);
      expect(v.signedHeaders).not.toContain("x-amzn-trace-id"); // never signed
      // the plugin's middleware replaced ours (same name and position, override: true): only it has this tag
      expect(client.middlewareStack.identify().filter((n) => n.startsWith("recursionDetectionMiddleware"))).toHaveLength(1);
      expect(client.middlewareStack.removeByTag("TRACE_CONTEXT_PROPAGATION")).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("a plugin can remove and replace a default middleware by tag", async () => {
    const client = clientWith(fakeHandler({ body: { pipelines: [] } }));
    client.middlewareStack.use({
      applyToStack(stack) {
        expect(stack.removeByTag("DESERIALIZER")).toBe(true);
        stack.add(
          (next) => async (args) => {
            const { response }: any = await next(args);
            return { response, output: { raw: new TextDecoder().decode(response.body), $metadata: {} } };
          },
          { step: "deserialize", name: "rawDeserializer" },
        );
      },
    });
    const out: any = await client.send(new commands.ListPipelinesCommand({}));
    expect(out.raw).toBe('{"pipelines":[]}');
  });

  it("a stack error (missing anchor) rejects the send, and reaches the callback", async () => {
    const client = clientWith(fakeHandler({ body: {} }));
    client.middlewareStack.addRelativeTo((next: any) => next, { relation: "after", toMiddleware: "notThere", name: "lost" });
    await expect(client.send(new commands.ListPipelinesCommand({}))).rejects.toThrow(/'notThere' is not in the stack/);
    const err = await new Promise((resolve) => client.send(new commands.ListPipelinesCommand({}), (e) => resolve(e)));
    expect(err).toBeInstanceOf(Error);
  });
});

describe("command middleware", () => {
  it("applies to that command only, runs with the client's, and leaves the client stack unchanged", async () => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler);
    const cmd = new commands.ListPipelinesCommand({});
    expect(cmd.middlewareStack.identify()).toEqual([]);
    cmd.middlewareStack.add(
      (next) => (args: any) => {
        args.request.headers["x-only-this"] = "yes";
        return next(args);
      },
      { step: "build", name: "onlyThis" },
    );
    cmd.middlewareStack.addRelativeTo((next: any) => (args: any) => next(args), { relation: "before", toMiddleware: "httpSigningMiddleware", name: "cmdBeforeSign" });
    await client.send(cmd);
    await client.send(new commands.ListPipelinesCommand({}));
    await client.send(cmd);
    expect(handler.requests.map((r) => r.headers["x-only-this"])).toEqual(["yes", undefined, "yes"]);
    expect(verifyHttpRequest(handler.requests[0]!).signedHeaders).toContain("x-only-this");
    expect(client.middlewareStack.identify()).toEqual(DEFAULT_ORDER);
  });

  it("a command middleware with the name of a client middleware is an error unless it overrides", async () => {
    const client = clientWith(fakeHandler({ body: {} }));
    const cmd = new commands.ListPipelinesCommand({});
    cmd.middlewareStack.add((next) => next, { step: "serialize", name: "serializerMiddleware" });
    await expect(client.send(cmd)).rejects.toThrow(/Duplicate middleware name 'serializerMiddleware'/);
    const cmd2 = new commands.ListPipelinesCommand({});
    cmd2.middlewareStack.add(
      (next) => (args: any) => next({ ...args, request: { method: "POST", protocol: "https:", hostname: "example.com", path: "/x", query: {}, headers: {}, body: "hello" } }),
      { step: "serialize", name: "serializerMiddleware", override: true },
    );
    const handler = fakeHandler({ body: {} });
    await clientWith(handler).send(cmd2);
    expect(handler.requests[0]!.path).toBe("/x");
    expect(bodyText(handler.requests[0]!)).toBe("hello");
  });
});

// ---------------------------------------------------------------------------------------------
// Each default middleware alone, with a fake next.

const config = (extra: object = {}) => resolveConfig({ region: REGION, credentials: CREDENTIALS, requestHandler: fakeHandler(), ...extra });
const contextFor = (cmd: { op: CallContext["operation"] }, extra: Partial<CallContext> = {}): CallContext => ({
  clientName: "CodePipelineClient",
  commandName: cmd.op.name + "Command",
  logger: undefined as any,
  operation: cmd.op,
  ...extra,
});
const request = (headers: Record<string, string> = {}): HttpRequest => ({
  method: "POST",
  protocol: "https:",
  hostname: `codepipeline.${REGION}.amazonaws.com`,
  path: "/",
  query: {},
  headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "CodePipeline_20150709.ListPipelines", ...headers },
  body: "{}",
});

describe("endpointMiddleware (endpointV2Middleware) alone", () => {
  it("puts the resolved endpoint in the context", async () => {
    const context = contextFor(new commands.ListPipelinesCommand({}));
    const next = vi.fn(async () => ({ output: { $metadata: {} }, response: {} }));
    await endpointMiddleware(config({ useFipsEndpoint: true }))(next, context)({ input: {} });
    expect((context as any).endpointV2.url.href).toBe(`https://codepipeline-fips.${REGION}.amazonaws.com/`);
    expect(next).toHaveBeenCalledTimes(1);
  });
});

describe("settings on the hot path", () => {
  it("once loaded, endpointV2Middleware and userAgentMiddleware read them without waiting: next runs before they return", async () => {
    const cfg = config();
    const context = contextFor(new commands.ListPipelinesCommand({}));
    const next = vi.fn(async () => ({ output: { $metadata: {} }, response: {} }));
    const endpoint = endpointMiddleware(cfg)(next, context);
    const userAgent = userAgentMiddleware(cfg)(next, context);
    // first call: the settings load, so next runs later
    const first = endpoint({ input: {} });
    expect(next).not.toHaveBeenCalled();
    await first;
    expect(next).toHaveBeenCalledTimes(1);
    expect(settingsOf(cfg)).toBe(await getSettings(cfg));
    void endpoint({ input: {} });
    expect(next).toHaveBeenCalledTimes(2);
    void userAgent({ input: {}, request: request() });
    expect(next).toHaveBeenCalledTimes(3);
    expect((next.mock.calls[2] as any[])[0].request.headers["amz-sdk-invocation-id"]).toMatch(UUID_V4);
  });

  it("a failed settings load is not kept: the next call tries again", async () => {
    let region = "";
    const cfg = config({ region: async () => region });
    const next = vi.fn(async () => ({ output: { $metadata: {} }, response: {} }));
    const mw = endpointMiddleware(cfg)(next, contextFor(new commands.ListPipelinesCommand({})));
    await expect(mw({ input: {} })).rejects.toMatchObject({ name: "ConfigurationError" });
    region = REGION;
    await mw({ input: {} });
    expect(next).toHaveBeenCalledTimes(1);
  });
});

describe("serializerMiddleware alone", () => {
  it("builds the request from the input, for the endpoint in the context", async () => {
    const cmd = new commands.GetPipelineCommand({ name: "p", version: 2 });
    const context = contextFor(cmd, { endpointV2: { url: new URL("http://localhost:8080/api") } });
    const next = vi.fn(async (args: any) => ({ output: { $metadata: {} }, response: {} }));
    const args = { input: cmd.input };
    await serializerMiddleware(config())(next, context)(args);
    const sent = next.mock.calls[0]![0];
    expect(sent.input).toBe(cmd.input);
    expect(sent.request).toEqual({
      method: "POST",
      protocol: "http:",
      hostname: "localhost",
      port: 8080,
      path: "/api/",
      query: {},
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "CodePipeline_20150709.GetPipeline" },
      body: '{"name":"p","version":2}',
    });
    expect(args).toEqual({ input: cmd.input }); // not changed
  });

  it("resolves the endpoint itself when nothing put one in the context", async () => {
    const cmd = new commands.ListPipelinesCommand({});
    const next = vi.fn(async (args: any) => ({ output: { $metadata: {} }, response: {} }));
    await serializerMiddleware(config())(next, contextFor(cmd))({ input: {} });
    expect(next.mock.calls[0]![0].request).toMatchObject({ protocol: "https:", hostname: `codepipeline.${REGION}.amazonaws.com`, path: "/", body: "{}" });
  });

  it("a middleware after endpointV2Middleware can redirect the call through the context", async () => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler);
    client.middlewareStack.addRelativeTo(
      (next: any, context: any) => (args: any) => {
        context.endpointV2 = { url: new URL("http://127.0.0.1:9999/") };
        return next(args);
      },
      { relation: "after", toMiddleware: "endpointV2Middleware" },
    );
    await client.send(new commands.ListPipelinesCommand({}));
    expect(handler.requests[0]!.headers.host).toBe("127.0.0.1:9999");
    expect(verifyHttpRequest(handler.requests[0]!).ok).toBe(true);
  });
});

describe("contentLengthMiddleware alone", () => {
  const through = async (req: HttpRequest) => {
    const next = vi.fn(async (args: any) => ({ output: { $metadata: {} }, response: {} }));
    await contentLengthMiddleware(next, {} as any)({ input: {}, request: req });
    return next.mock.calls[0]![0].request.headers;
  };
  it("counts bytes, not characters", async () => {
    expect((await through({ ...request(), body: '{"name":"é✓"}' }))["content-length"]).toBe("16");
    expect((await through({ ...request(), body: new Uint8Array(7) }))["content-length"]).toBe("7");
  });
  it("keeps a length that is already set, in any letter case", async () => {
    expect((await through({ ...request({ "Content-Length": "3" }), body: "{}" }))["content-length"]).toBeUndefined();
  });
  it("is recomputed after build middleware that changed the body", async () => {
    const handler = fakeHandler({ body: {} });
    const client = clientWith(handler);
    client.middlewareStack.add((next: any) => (args: any) => next({ ...args, request: { ...args.request, body: '{"maxResults":10}' } }), {
      step: "build",
      priority: "high",
    });
    await client.send(new commands.ListPipelinesCommand({}));
    expect(handler.requests[0]!.headers["content-length"]).toBe("17");
    expect(verifyHttpRequest(handler.requests[0]!).ok).toBe(true);
  });
});

describe("userAgentMiddleware alone", () => {
  it("adds the user agents and a fresh invocation id", async () => {
    const next = vi.fn(async (args: any) => ({ output: { $metadata: {} }, response: {} }));
    const mw = userAgentMiddleware(config({ customUserAgent: "extra/1" }))(next, {} as any);
    await mw({ input: {}, request: request() });
    await mw({ input: {}, request: request() });
    const [a, b] = next.mock.calls.map((c) => c[0].request.headers);
    expect(a["x-amz-user-agent"]).toBe(`codepipeline-client/${VERSION} extra/1`);
    expect(a["user-agent"]).toMatch(/^codepipeline-client\/\S+ ua\/2\.1 .* m\/E extra\/1$/);
    expect(a["amz-sdk-invocation-id"]).toMatch(UUID_V4);
    expect(b["amz-sdk-invocation-id"]).not.toBe(a["amz-sdk-invocation-id"]);
  });
});

describe("hostHeaderMiddleware alone", () => {
  it("sets host from hostname and port, unless already set", async () => {
    const next = vi.fn(async (args: any) => ({ output: { $metadata: {} }, response: {} }));
    const mw = hostHeaderMiddleware(next, {} as any);
    await mw({ input: {}, request: { ...request(), port: 8443 } });
    await mw({ input: {}, request: request() });
    await mw({ input: {}, request: request({ host: "proxy.example" }) });
    expect(next.mock.calls.map((c) => c[0].request.headers.host)).toEqual([
      `codepipeline.${REGION}.amazonaws.com:8443`,
      `codepipeline.${REGION}.amazonaws.com`,
      "proxy.example",
    ]);
  });
});

describe("recursionDetectionMiddleware alone", () => {
  const traceOf = async (headers: Record<string, string> = {}) => {
    const next = vi.fn(async (args: any) => ({ output: { $metadata: {} }, response: {} }));
    await recursionDetectionMiddleware()(next, {} as any)({ input: {}, request: request(headers) });
    return next.mock.calls[0]![0].request.headers["X-Amzn-Trace-Id"];
  };
  it("passes the Lambda trace id on, only inside Lambda and only when not set", async () => {
    vi.stubEnv("_X_AMZN_TRACE_ID", "Root=1-abc");
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "");
    try {
      expect(await traceOf()).toBeUndefined();
      vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "fn");
      expect(await traceOf()).toBe("Root=1-abc");
      expect(await traceOf({ "x-amzn-trace-id": "mine" })).toBeUndefined();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("signingMiddleware alone", () => {
  it("signs the request it is given and leaves the original alone", async () => {
    const next = vi.fn(async (args: any) => ({ output: { $metadata: {} }, response: toResponse({}) }));
    const req = { ...request(), headers: { ...request().headers, host: `codepipeline.${REGION}.amazonaws.com` } };
    await signingMiddleware(config())(next, {} as any)({ input: {}, request: req });
    const signed = next.mock.calls[0]![0].request as HttpRequest;
    expect(signed.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/codepipeline\/aws4_request, /);
    expect(verifyHttpRequest(signed).ok).toBe(true);
    expect(req.headers).not.toHaveProperty("authorization");
  });

  it("learns the clock offset from the response Date header", async () => {
    const cfg = config();
    const ahead = new Date(Date.now() + 3600_000).toUTCString();
    const next = async () => ({ output: { $metadata: {} }, response: toResponse({ headers: { date: ahead } }) });
    await signingMiddleware(cfg)(next, {} as any)({ input: {}, request: request({ host: "h" }) });
    expect(Math.abs(cfg.systemClockOffset - 3600_000)).toBeLessThan(5_000);
  });

  it("marks a service error clockSkewCorrected when the offset moved by 4 minutes or more", async () => {
    const cfg = config();
    const ahead = new Date(Date.now() + 3600_000).toUTCString();
    const err = new CodePipelineServiceException({ name: "InvalidSignatureException", $metadata: { httpStatusCode: 403 }, $response: toResponse({ statusCode: 403, headers: { date: ahead } }) });
    const next = async () => {
      throw err;
    };
    await expect(signingMiddleware(cfg)(next, {} as any)({ input: {}, request: request({ host: "h" }) })).rejects.toBe(err);
    expect((err.$metadata as any).clockSkewCorrected).toBe(true);
  });

  it("does not learn the offset when disableClockSkewCorrection is set", async () => {
    const cfg = config({ disableClockSkewCorrection: true });
    const next = async () => ({ output: { $metadata: {} }, response: toResponse({ headers: { date: new Date(Date.now() + 3600_000).toUTCString() } }) });
    await signingMiddleware(cfg)(next, {} as any)({ input: {}, request: request({ host: "h" }) });
    expect(cfg.systemClockOffset).toBe(0);
  });
});

describe("deserializerMiddleware alone", () => {
  it("parses a success into the output with $metadata", async () => {
    const cmd = new commands.ListPipelinesCommand({});
    const response = toResponse({ headers: { "x-amzn-requestid": "r" }, body: { pipelines: [{ name: "p", created: 1700000000 }], nextToken: "t" } });
    const out = await deserializerMiddleware(async () => ({ response, output: undefined }), contextFor(cmd))({ input: {}, request: request() });
    expect(out.response).toBe(response);
    expect(out.output).toEqual({
      pipelines: [{ name: "p", created: new Date(1700000000000) }],
      nextToken: "t",
      $metadata: { httpStatusCode: 200, requestId: "r", extendedRequestId: undefined, cfId: undefined },
    });
  });

  it("throws the modeled error for an error status", async () => {
    const cmd = new commands.GetPipelineCommand({ name: "p" });
    const response = toResponse({ statusCode: 400, body: { __type: "PipelineNotFoundException", message: "m" } });
    const p = deserializerMiddleware(async () => ({ response, output: undefined }), contextFor(cmd))({ input: {}, request: request() });
    await expect(p).rejects.toBeInstanceOf(PipelineNotFoundException);
  });

  it("treats any status of 300 or more as an error", async () => {
    const cmd = new commands.GetPipelineCommand({ name: "p" });
    const response = toResponse({ statusCode: 302, body: "" });
    const p = deserializerMiddleware(async () => ({ response, output: undefined }), contextFor(cmd))({ input: {}, request: request() });
    await expect(p).rejects.toMatchObject({ name: "Unknown", $metadata: { httpStatusCode: 302 } });
  });
});

describe("retryMiddleware alone", () => {
  const strategy = () => {
    const token = { getRetryCount: () => 0, getRetryDelay: () => 0 };
    return {
      acquireInitialRetryToken: vi.fn(async () => token),
      refreshRetryTokenForRetry: vi.fn(async (_t: unknown, info: any) => {
        if (info.errorType !== "TRANSIENT" && info.errorType !== "THROTTLING") throw info.error;
        return token;
      }),
      recordSuccess: vi.fn(),
    };
  };

  it("stamps amz-sdk-request on each attempt, records attempts in $metadata", async () => {
    const s = strategy();
    const cfg = config({ retryStrategy: s, maxAttempts: 4 });
    const seen: string[] = [];
    const next = async (args: any) => {
      seen.push(args.request.headers["amz-sdk-request"]);
      if (seen.length < 2) throw Object.assign(new Error("reset"), { code: "ECONNRESET", $metadata: {} });
      return { output: { $metadata: { httpStatusCode: 200 } }, response: {} };
    };
    const req = request();
    const out = await retryMiddleware(cfg)(next, contextFor(new commands.ListPipelinesCommand({})))({ input: {}, request: req });
    expect(seen).toEqual(["attempt=1; max=4", "attempt=2; max=4"]);
    expect(out.output.$metadata).toEqual({ httpStatusCode: 200, attempts: 2, totalRetryDelay: 0 });
    expect(s.recordSuccess).toHaveBeenCalledTimes(1);
    expect(req.headers).not.toHaveProperty("amz-sdk-request");
  });

  it("gives up when the strategy refuses and puts attempts on the error", async () => {
    const cfg = config({ retryStrategy: strategy() });
    const err = new CodePipelineServiceException({ name: "ValidationException", $metadata: { httpStatusCode: 400 } });
    const next = vi.fn(async () => {
      throw err;
    });
    await expect(retryMiddleware(cfg)(next, contextFor(new commands.ListPipelinesCommand({})))({ input: {}, request: request() })).rejects.toBe(err);
    expect(next).toHaveBeenCalledTimes(1);
    expect(err.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 });
  });
});

describe("loggerMiddleware alone", () => {
  it("logs once per call with client and command names, and never a secret", async () => {
    const logger = { trace: vi.fn(), debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const cmd = new commands.GetJobDetailsCommand({ jobId: "j" });
    const output = {
      jobDetails: { id: "j", data: { artifactCredentials: { accessKeyId: "AKIAEXPOSED", secretAccessKey: "SECRETEXPOSED", sessionToken: "TOKENEXPOSED" } } },
      $metadata: { httpStatusCode: 200 },
    };
    await loggerMiddleware(async () => ({ output, response: {} }), contextFor(cmd, { logger }))({ input: cmd.input });
    expect(logger.info).toHaveBeenCalledTimes(1);
    const entry = logger.info.mock.calls[0]![0];
    expect(entry).toMatchObject({ clientName: "CodePipelineClient", commandName: "GetJobDetailsCommand", input: { jobId: "j" }, metadata: { httpStatusCode: 200 } });
    expect(JSON.stringify(entry)).not.toMatch(/AKIAEXPOSED|SECRETEXPOSED|TOKENEXPOSED/);
    expect(output.jobDetails.data.artifactCredentials.secretAccessKey).toBe("SECRETEXPOSED"); // the caller's data is not redacted
  });

  it("logs a failure through logger.error and rethrows it", async () => {
    const logger = { trace: vi.fn(), debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const cmd = new commands.ListPipelinesCommand({});
    const err = new CodePipelineServiceException({ name: "X", $metadata: { httpStatusCode: 400 } });
    const p = loggerMiddleware(async () => Promise.reject(err), contextFor(cmd, { logger }))({ input: {} });
    await expect(p).rejects.toBe(err);
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ commandName: "ListPipelinesCommand", error: err, metadata: { httpStatusCode: 400 } }));
  });
});
