/**
 * Faults from a real HTTP server of the test's own on 127.0.0.1: resets, silence,
 * slow bodies, 5xx, throttling, Retry-After, odd bodies, clock skew and aborts.
 * Backoff jitter is pinned with Math.random so retries do not wait unless a test wants them to.
 */
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CodePipelineClient, CodePipelineServiceException, GetPipelineCommand, ListPipelinesCommand, StandardRetryStrategy } from "../../src/index.js";
import { clientFor, json, sequence, serviceError, settle, startServer, type Reply, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  vi.spyOn(Math, "random").mockReturnValue(0);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const ok = json({ pipelines: [{ name: "p1" }] });
const html = (status: number): Reply => (_req, res) => {
  res.writeHead(status, { "content-type": "text/html", "x-amzn-requestid": `html-${status}` });
  res.end(`<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center></body></html>`);
};
const resetBeforeResponse: Reply = (_req, res) => void res.socket?.destroy();
const resetDuringResponse: Reply = (_req, res) => {
  res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "content-length": "500" });
  res.write('{"pipelines":[{"name":"p1"},');
  setTimeout(() => res.socket?.destroy(), 5);
};
const silent: Reply = () => {};

/** A TCP server that accepts connections and never says a word. */
async function silentTcpServer(): Promise<{ port: number; sockets: Set<Socket>; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const srv: NetServer = createNetServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return {
    port: (srv.address() as AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

const send = (config: Parameters<typeof clientFor>[1] = {}, options?: Parameters<ReturnType<typeof clientFor>["send"]>[1]) => {
  const client = clientFor(server.url, config);
  return settle(client.send(new ListPipelinesCommand({}), options as any)).finally(() => client.destroy());
};

describe("server errors and throttling", () => {
  it("500, 502, 503 and 504 are retried until a success", async () => {
    server.reply(sequence(serviceError(500, "InternalFailure"), html(502), serviceError(503, "ServiceUnavailableException"), html(504), ok));
    const r = await send({ maxAttempts: 5 });
    expect(r.ok && r.value.pipelines).toEqual([{ name: "p1" }]);
    expect(r.ok && r.value.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 5, totalRetryDelay: 0 });
    expect(server.requests.map((q) => q.headers["amz-sdk-request"])).toEqual([1, 2, 3, 4, 5].map((n) => `attempt=${n}; max=5`));
  });

  it("501 is not retried", async () => {
    server.reply(serviceError(501, "NotImplemented"));
    const r = await send();
    expect(!r.ok && r.error).toMatchObject({ name: "NotImplemented", $fault: "server", $metadata: { httpStatusCode: 501, attempts: 1 } });
    expect(server.requests).toHaveLength(1);
  });

  it("a throttling burst (429, ThrottlingException, LimitExceededException) is ridden out; the quota is paid back", async () => {
    const strategy = new StandardRetryStrategy(3);
    const throttles = [serviceError(429, "TooManyRequestsException"), serviceError(400, "ThrottlingException"), serviceError(400, "LimitExceededException")];
    // every call's first attempt is throttled
    server.reply((req, res, n, raw) =>
      String(req.headers["amz-sdk-request"]).startsWith("attempt=1;") ? throttles[n % 3]!(req, res, n, raw) : ok(req, res, n, raw),
    );
    const client = clientFor(server.url, { retryStrategy: strategy });
    const results = await Promise.all(Array.from({ length: 30 }, () => settle(client.send(new ListPipelinesCommand({})))));
    client.destroy();
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => r.ok && r.value.$metadata.attempts)).toEqual(Array(30).fill(2));
    expect(strategy.capacity).toBe(500);
  });

  it("a throttling error that does not clear fails after maxAttempts with the service's error", async () => {
    server.reply(serviceError(400, "LimitExceededException", "Too many calls"));
    const r = await send();
    expect(!r.ok && r.error).toBeInstanceOf(CodePipelineServiceException);
    expect(!r.ok && r.error).toMatchObject({ name: "LimitExceededException", message: "Too many calls", $fault: "client", $metadata: { attempts: 3 } });
  });

  it("waits as long as x-amz-retry-after (ms) or Retry-After (s) asks", async () => {
    server.reply(sequence(serviceError(503, "ServiceUnavailableException", "busy", { "x-amz-retry-after": "150" }), ok));
    const a = await send();
    expect(a.ok && a.value.$metadata.totalRetryDelay).toBeGreaterThanOrEqual(140);
    expect(a.ok && a.value.$metadata.totalRetryDelay).toBeLessThanOrEqual(150);
    server.requests.length = 0;
    server.reply(sequence(serviceError(429, "ThrottlingException", "slow", { "retry-after": "0.2" }), ok));
    const b = await send();
    expect(b.ok && b.value.$metadata).toMatchObject({ attempts: 2 });
    expect(b.ok && b.value.$metadata.totalRetryDelay).toBeGreaterThanOrEqual(190);
  });
});

describe("odd bodies", () => {
  it("an HTML error page is a service exception with the status, $fault, request id and a snippet, and a 502 is retried", async () => {
    server.reply(html(502));
    const r = await send();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(CodePipelineServiceException);
    expect(r.error.$fault).toBe("server");
    expect(r.error.$metadata).toMatchObject({ httpStatusCode: 502, requestId: "html-502", attempts: 3 });
    expect(r.error.message).toMatch(/HTTP 502/);
    expect(r.error.message).toContain("502 Bad Gateway");
    expect(Object.keys(r.error)).not.toContain("$response");
    expect(r.error.$response.statusCode).toBe(502);
  });

  it("an HTML 403 is not retried and is a client fault", async () => {
    server.reply(html(403));
    const r = await send();
    expect(!r.ok && r.error).toMatchObject({ $fault: "client", $metadata: { httpStatusCode: 403, attempts: 1 } });
  });

  it("an empty error body becomes Unknown / UnknownError with the fault from the status", async () => {
    server.reply(sequence(json("", 500), json("", 500), json("", 500), json("", 400)));
    const a = await send();
    expect(!a.ok && a.error).toMatchObject({ name: "Unknown", message: "UnknownError", $fault: "server", $metadata: { httpStatusCode: 500, attempts: 3 } });
    const b = await send();
    expect(!b.ok && b.error).toMatchObject({ name: "Unknown", message: "UnknownError", $fault: "client", $metadata: { httpStatusCode: 400, attempts: 1 } });
  });

  it("a truncated JSON success body is a DeserializationError with status, request id and snippet; not retried", async () => {
    server.reply(json('{"pipelines":[{"name":"p1"},{"name":"p', 200, { "x-amzn-requestid": "trunc-1" }));
    const r = await send();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(Error);
    expect(r.error.name).toBe("DeserializationError");
    expect(r.error.$metadata).toMatchObject({ httpStatusCode: 200, requestId: "trunc-1", attempts: 1 });
    expect(r.error.bodySnippet).toBe('{"pipelines":[{"name":"p1"},{"name":"p');
    expect(r.error.message).toMatch(/HTTP 200.*trunc-1/);
    expect(r.error.cause).toBeInstanceOf(SyntaxError);
    expect(Object.keys(r.error)).not.toContain("$response");
    expect(server.requests).toHaveLength(1);
  });

  it("a success body that is JSON but not an object is a DeserializationError too", async () => {
    server.reply(json("[1,2,3]"));
    const r = await send();
    expect(!r.ok && r.error.name).toBe("DeserializationError");
  });
});

describe("connections", () => {
  it("a reset before the response is retried", async () => {
    server.reply(sequence(resetBeforeResponse, resetBeforeResponse, ok));
    const r = await send();
    expect(r.ok && r.value.$metadata.attempts).toBe(3);
  });

  it("resets that do not stop end in a NetworkError with code, cause and $metadata", async () => {
    server.reply(resetBeforeResponse);
    const r = await send();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(Error);
    expect(r.error.name).toBe("NetworkError");
    expect(r.error.code).toBe("ECONNRESET");
    expect(r.error.cause).toMatchObject({ code: "ECONNRESET" });
    expect(r.error.$metadata).toEqual({ attempts: 3, totalRetryDelay: 0 });
    expect(r.error.message).toContain(`127.0.0.1:${server.port}`);
  });

  it("a reset in the middle of the body is retried, and reported as cut off when it persists", async () => {
    server.reply(sequence(resetDuringResponse, ok));
    const a = await send();
    expect(a.ok && a.value.$metadata.attempts).toBe(2);
    server.reply(resetDuringResponse);
    const b = await send();
    expect(!b.ok && b.error).toMatchObject({ name: "NetworkError", $metadata: { attempts: 3 } });
    expect(!b.ok && b.error.message).toMatch(/cut off/);
  });

  it("a refused connection is a retryable NetworkError (ECONNREFUSED)", async () => {
    const closed = await startServer();
    const url = closed.url;
    await closed.close();
    const client = clientFor(url);
    const r = await settle(client.send(new ListPipelinesCommand({})));
    client.destroy();
    expect(!r.ok && r.error).toMatchObject({ name: "NetworkError", code: "ECONNREFUSED", $metadata: { attempts: 3, totalRetryDelay: 0 } });
  });

  it("a server that accepts and never answers: each attempt times out, the last TimeoutError says how many were made", async () => {
    const tcp = await silentTcpServer();
    const client = clientFor(`http://127.0.0.1:${tcp.port}`, { requestTimeout: 100, maxAttempts: 2 });
    const r = await settle(client.send(new ListPipelinesCommand({})));
    client.destroy();
    await tcp.close();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.name).toBe("TimeoutError");
    expect(r.error.message).toMatch(/100 ms \(requestTimeout\)/);
    expect(r.error.$metadata).toEqual({ attempts: 2, totalRetryDelay: 0 });
  });

  it("an HTTP server that reads the request and never answers times out the same way", async () => {
    server.reply(silent);
    const r = await send({ requestTimeout: 100, maxAttempts: 2 });
    expect(!r.ok && r.error).toMatchObject({ name: "TimeoutError", $metadata: { attempts: 2 } });
    expect(server.requests).toHaveLength(2);
  });

  it("a TLS handshake that never completes hits the connection timeout", async () => {
    const tcp = await silentTcpServer();
    const client = clientFor(`https://127.0.0.1:${tcp.port}`, { connectionTimeout: 100, requestTimeout: 10_000, maxAttempts: 1 });
    const r = await settle(client.send(new ListPipelinesCommand({})));
    client.destroy();
    await tcp.close();
    expect(!r.ok && r.error.name).toBe("TimeoutError");
    expect(!r.ok && r.error.message).toMatch(/could not connect to 127\.0\.0\.1:\d+ within 100 ms \(connectionTimeout\)/);
  });

  it("connectionTimeout: the client's value wins over the requestHandler options', and an undefined one keeps the default", async () => {
    const tcp = await silentTcpServer();
    const client = clientFor(`https://127.0.0.1:${tcp.port}`, {
      connectionTimeout: 100,
      requestTimeout: 10_000,
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 5_000 },
    });
    const r = await settle(client.send(new ListPipelinesCommand({})));
    client.destroy();
    await tcp.close();
    expect(!r.ok && r.error.message).toMatch(/within 100 ms \(connectionTimeout\)/);
    // as with requestTimeout (the call's, else the client's, else the handler's)
    const options = (c: CodePipelineClient) => (c.config.requestHandler as { httpHandlerConfigs(): { connectionTimeout?: number } }).httpHandlerConfigs();
    expect(options(new CodePipelineClient({ region: "us-east-1", requestHandler: { connectionTimeout: undefined } })).connectionTimeout).toBe(5_000);
    expect(options(new CodePipelineClient({ region: "us-east-1", requestHandler: { connectionTimeout: 700 } })).connectionTimeout).toBe(700);
  });

  it("the default connection timeout is 5 s (fake timers)", async () => {
    const tcp = await silentTcpServer();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const client = clientFor(`https://127.0.0.1:${tcp.port}`, { requestTimeout: 60_000, maxAttempts: 1 });
      let settled = false;
      const p = settle(client.send(new ListPipelinesCommand({}))).finally(() => (settled = true));
      const deadline = performance.now() + 5_000; // real time: only setTimeout is faked
      while (tcp.sockets.size === 0 && performance.now() < deadline) await new Promise((r) => setImmediate(r));
      expect(tcp.sockets.size).toBe(1); // connected over TCP, the TLS handshake never comes
      await vi.advanceTimersByTimeAsync(4_999);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const r = await p;
      expect(!r.ok && r.error).toMatchObject({ name: "TimeoutError", $metadata: { attempts: 1 } });
      expect(!r.ok && r.error.message).toMatch(/within 5000 ms \(connectionTimeout\)/);
      client.destroy();
    } finally {
      vi.useRealTimers();
      await tcp.close();
    }
  });

  it("a slow body past the request timeout fails with a TimeoutError; a slow body within it succeeds", async () => {
    const dribble =
      (chunks: number, every: number): Reply =>
      (_req, res) => {
        const body = JSON.stringify({ pipelines: [{ name: "x".repeat(chunks) }] });
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "content-length": Buffer.byteLength(body) });
        let i = 0;
        const step = Math.ceil(body.length / chunks);
        const tick = () => {
          if (res.destroyed) return;
          res.write(body.slice(i, i + step));
          i += step;
          if (i < body.length) setTimeout(tick, every);
          else res.end();
        };
        tick();
      };
    server.reply(dribble(40, 25)); // about a second
    const slow = await send({ requestTimeout: 150, maxAttempts: 1 });
    expect(!slow.ok && slow.error.name).toBe("TimeoutError");
    server.reply(dribble(5, 10));
    const fine = await send({ requestTimeout: 5_000 });
    expect(fine.ok && fine.value.pipelines?.[0]?.name).toBe("xxxxx");
  });
});

describe("clock skew", () => {
  /** A server whose clock is `offset` ms off ours and which rejects signatures more than 5 minutes off its clock. */
  const skewedServer =
    (offset: number): Reply =>
    (req, res, n, raw) => {
      const serverNow = Date.now() + offset;
      const amzDate = String(req.headers["x-amz-date"]);
      const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
      const date = new Date(serverNow).toUTCString();
      if (Math.abs(signedAt - serverNow) > 5 * 60_000)
        return json({ __type: "InvalidSignatureException", message: "Signature not yet current or expired for this server's clock" }, 403, { date })(req, res, n, raw);
      return json({ pipelines: [] }, 200, { date })(req, res, n, raw);
    };

  it.each([
    ["an hour ahead", 3_600_000],
    ["an hour behind", -3_600_000],
  ])("a Date header %s: the 403 is re-signed with the corrected time and retried once", async (_label, offset) => {
    server.reply(skewedServer(offset));
    const client = clientFor(server.url);
    const out = await client.send(new ListPipelinesCommand({}));
    expect(out.$metadata.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(Math.abs(client.config.systemClockOffset - offset)).toBeLessThan(5_000);
    const second = server.requests[1]!.headers["x-amz-date"] as string;
    expect(second).not.toBe(server.requests[0]!.headers["x-amz-date"]);
    // the next call is signed right the first time
    server.requests.length = 0;
    const again = await client.send(new GetPipelineCommand({ name: "p" }));
    expect(again.$metadata.attempts).toBe(1);
    client.destroy();
  });

  it("with disableClockSkewCorrection the skew error is final", async () => {
    server.reply(skewedServer(3_600_000));
    const r = await send({ disableClockSkewCorrection: true });
    expect(!r.ok && r.error).toMatchObject({ name: "InvalidSignatureException", $metadata: { httpStatusCode: 403, attempts: 1 } });
  });
});

describe("cancellation against a real server", () => {
  it("an abort during a request closes the connection and settles at once", async () => {
    let serverSawClose = false;
    server.reply((_req, res) => void res.on("close", () => (serverSawClose = true)));
    const controller = new AbortController();
    const client = clientFor(server.url); // default 30 s request timeout
    const p = settle(client.send(new ListPipelinesCommand({}), { abortSignal: controller.signal }));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    const started = Date.now();
    controller.abort();
    const r = await p;
    expect(Date.now() - started).toBeLessThan(5_000); // far below the 30 s the attempt could take
    expect(!r.ok && r.error).toMatchObject({ name: "AbortError", message: "Request aborted" });
    await vi.waitFor(() => expect(serverSawClose).toBe(true));
    expect(server.requests).toHaveLength(1);
    client.destroy();
  });

  it("an abort during a backoff settles long before the backoff would end, and nothing more is sent", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.99);
    // throttled with a long hint: the backoff is 990 ms + 5 000 ms
    server.reply(serviceError(429, "ThrottlingException", "slow down", { "x-amz-retry-after": "60000" }));
    const controller = new AbortController();
    const client = clientFor(server.url);
    const p = settle(client.send(new ListPipelinesCommand({}), { abortSignal: controller.signal }));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50)); // the client is now waiting out its backoff
    const started = Date.now();
    controller.abort();
    const r = await p;
    expect(Date.now() - started).toBeLessThan(2_000); // the backoff is 5 990 ms
    expect(!r.ok && r.error).toMatchObject({ name: "AbortError", $metadata: { attempts: 1 } });
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests).toHaveLength(1);
    client.destroy();
  });
});
