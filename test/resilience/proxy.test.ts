/**
 * Proxies in Node, through a tiny forwarding/CONNECT proxy of the test's own on 127.0.0.1:
 * HTTP_PROXY / HTTPS_PROXY (either case), NO_PROXY, and an explicit handler or agent winning.
 */
import { readFileSync } from "node:fs";
import { Agent as HttpAgent, createServer, request as httpRequest, type Server } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { connect as netConnect, type AddressInfo, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ListPipelinesCommand } from "../../src/index.js";
import { clientFor, json, startServer, type TestServer } from "./helpers.js";

const cert = readFileSync(new URL("./fixtures/test-only-localhost.crt", import.meta.url));
const key = readFileSync(new URL("./fixtures/test-only-localhost.key", import.meta.url));

interface Proxy {
  url: string;
  seen: string[];
  close(): Promise<void>;
}

/** Forwards absolute-form requests and tunnels CONNECT, recording what it was asked. */
async function startProxy(): Promise<Proxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url!);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connect", (req, client: Socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(":");
    const upstream = netConnect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    sockets.add(client);
    sockets.add(upstream);
  });
  server.on("connection", (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const VARS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"];

let target: TestServer;
let tlsTarget: HttpsServer;
let tlsUrl: string;
let proxy: Proxy;
beforeAll(async () => {
  target = await startServer(json({ pipelines: [{ name: "via" }] }));
  tlsTarget = createHttpsServer({ cert, key }, (req, res) => {
    req.resume();
    req.on("end", () => json({ pipelines: [{ name: "tls" }] })({} as any, res, 1, req));
  });
  await new Promise<void>((r) => tlsTarget.listen(0, "127.0.0.1", r));
  tlsUrl = `https://127.0.0.1:${(tlsTarget.address() as AddressInfo).port}`;
  proxy = await startProxy();
});
afterAll(async () => {
  await target.close();
  tlsTarget.closeAllConnections();
  await new Promise((r) => tlsTarget.close(r));
  await proxy.close();
});
beforeEach(() => {
  for (const v of VARS) vi.stubEnv(v, ""); // whatever the machine has set
  proxy.seen.length = 0;
  target.requests.length = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const list = async (url: string, config: Parameters<typeof clientFor>[1] = {}) => {
  const client = clientFor(url, { maxAttempts: 1, ...config });
  try {
    return await client.send(new ListPipelinesCommand({}));
  } finally {
    client.destroy();
  }
};

describe("proxy support", () => {
  it("is loaded only when a proxy variable is set", async () => {
    const loaded = vi.fn();
    vi.doMock("../../src/runtime/proxy.js", async (original) => {
      loaded();
      return original();
    });
    const { createNodeHandler, proxyConfigured } = await import("../../src/runtime/node-http.js");
    expect(proxyConfigured()).toBe(false);
    await createNodeHandler();
    expect(loaded).not.toHaveBeenCalled();
    vi.stubEnv("https_proxy", proxy.url);
    expect(proxyConfigured()).toBe(true);
    await createNodeHandler();
    expect(loaded).toHaveBeenCalledTimes(1);
    vi.doUnmock("../../src/runtime/proxy.js");
  });

  it("without proxy variables, requests go straight to the endpoint", async () => {
    const out = await list(target.url);
    expect(out.pipelines).toEqual([{ name: "via" }]);
    expect(proxy.seen).toEqual([]);
  });

  it.each(["HTTP_PROXY", "http_proxy", "ALL_PROXY"])("%s forwards http requests through the proxy", async (name) => {
    vi.stubEnv(name, proxy.url);
    const out = await list(target.url);
    expect(out.pipelines).toEqual([{ name: "via" }]);
    expect(proxy.seen).toEqual([`POST ${target.url}/`]);
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it.each(["HTTPS_PROXY", "https_proxy"])("%s tunnels https requests with CONNECT", async (name) => {
    vi.stubEnv(name, proxy.url);
    const out = await list(tlsUrl, { requestHandler: { httpsAgent: { ca: cert } } });
    expect(out.pipelines).toEqual([{ name: "tls" }]);
    expect(proxy.seen).toEqual([`CONNECT ${new URL(tlsUrl).host}`]);
  });

  it("HTTPS_PROXY alone does not proxy http endpoints", async () => {
    vi.stubEnv("HTTPS_PROXY", proxy.url);
    await list(target.url);
    expect(proxy.seen).toEqual([]);
  });

  it.each(["NO_PROXY", "no_proxy"])("%s lists hosts reached directly", async (name) => {
    vi.stubEnv("HTTP_PROXY", proxy.url);
    vi.stubEnv(name, "example.com,127.0.0.1");
    await list(target.url);
    expect(proxy.seen).toEqual([]);
    expect(target.requests).toHaveLength(1);
  });

  it("an explicit requestHandler wins over the variables", async () => {
    vi.stubEnv("HTTP_PROXY", proxy.url);
    const handle = vi.fn(async () => ({
      response: { statusCode: 200, headers: {}, body: new TextEncoder().encode('{"pipelines":[{"name":"mine"}]}') } as any,
    }));
    const out = await list(target.url, { requestHandler: { handle } });
    expect(out.pipelines).toEqual([{ name: "mine" }]);
    expect(handle).toHaveBeenCalledTimes(1);
    expect(proxy.seen).toEqual([]);
  });

  it("so does an agent of the caller's own", async () => {
    vi.stubEnv("HTTP_PROXY", proxy.url);
    const agent = new HttpAgent({ keepAlive: true });
    const out = await list(target.url, { requestHandler: { httpAgent: agent } });
    expect(out.pipelines).toEqual([{ name: "via" }]);
    expect(proxy.seen).toEqual([]);
    agent.destroy();
  });

  it("a proxy that cannot be reached is a retryable NetworkError", async () => {
    const dead = await startProxy();
    await dead.close();
    vi.stubEnv("HTTP_PROXY", dead.url);
    const client = clientFor(target.url, { maxAttempts: 2 });
    const r = await client.send(new ListPipelinesCommand({})).catch((e) => e);
    client.destroy();
    expect(r).toMatchObject({ name: "NetworkError", code: "ECONNREFUSED", $metadata: { attempts: 2 } });
  });
});
