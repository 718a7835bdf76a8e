/**
 * The default HTTP handler in Node: node:http(s) with keep-alive agents, a connection
 * timeout, a warning naming the client when calls queue for sockets, and proxies from
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY. Loaded on the first request only.
 *
 * The per-attempt request timeout is enforced by the client around the handler
 * (see src/handler.ts), so it covers the socket wait and the body as well.
 */
// Default imports: `http.request` is read at call time, so interceptors that patch the module (msw, nock) see our requests.
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { HttpHandlerOptions, HttpRequest, HttpResponse, Logger } from "@smithy/types";
import { TimeoutError } from "../errors.js";
import { abortError, onAbort, type SignalLike } from "../retry/abort.js";

/** Options of the default Node handler: `new CodePipelineClient({ requestHandler: { ... } })`. */
export interface NodeHandlerOptions {
  /** Agent for http endpoints, or options for the default one (`keepAlive: true, maxSockets: 50`). */
  httpAgent?: http.Agent | http.AgentOptions;
  /** Agent for https endpoints, or options for the default one (`keepAlive: true, maxSockets: 50`). */
  httpsAgent?: https.Agent | https.AgentOptions;
  /** Milliseconds to open a connection (TCP and TLS). 0 turns it off. */
  connectionTimeout?: number;
  /** Per-attempt timeout; read by the client, which enforces it around the handler. */
  requestTimeout?: number;
  /** Milliseconds a request may wait for a free socket before the client warns. Default 1 000. */
  socketAcquisitionWarningTimeout?: number;
  /** Where pool warnings go when the client has no logger of its own. Default `console`. */
  logger?: Logger;
}

/** What the client passes to `handle` beyond v3's `HttpHandlerOptions`. */
interface HandleOptions extends HttpHandlerOptions {
  clientName?: string;
  logger?: Logger;
}

/** Chooses the proxy for a URL and builds agents for it (src/runtime/proxy.ts). */
export interface ProxySupport {
  proxyFor(url: string): string;
  agent(proxyUrl: string, tls: boolean, options: http.AgentOptions): http.Agent;
}

export const DEFAULT_MAX_SOCKETS = 50;
export const DEFAULT_SOCKET_WARNING_TIMEOUT = 1_000;
const WARNING_INTERVAL = 15_000;
const PROXY_VARIABLES = ["https_proxy", "http_proxy", "all_proxy"];

/** True when a proxy variable is set (either case). */
export const proxyConfigured = (env: NodeJS.ProcessEnv = process.env): boolean =>
  PROXY_VARIABLES.some((k) => !!(env[k] || env[k.toUpperCase()]));

const isAgent = (a: unknown): a is http.Agent =>
  a instanceof http.Agent || typeof (a as { addRequest?: unknown } | undefined)?.addRequest === "function";

const count = (byOrigin: NodeJS.ReadOnlyDict<unknown[]> | undefined): number => {
  let n = 0;
  for (const k in byOrigin) n += byOrigin[k]?.length ?? 0;
  return n;
};

export class NodeHttpHandler {
  readonly metadata = { handlerProtocol: "http/1.1" };
  #options: NodeHandlerOptions;
  #proxy: ProxySupport | undefined;
  #agents = new Map<string, http.Agent>();
  #lastWarning = -Infinity;

  constructor(options: NodeHandlerOptions = {}, proxy?: ProxySupport) {
    this.#options = { ...options };
    this.#proxy = proxy;
  }

  /** The handler for the client's `requestHandler` options; loads proxy support only when a proxy variable is set. */
  static async create(options: NodeHandlerOptions = {}): Promise<NodeHttpHandler> {
    const proxy = proxyConfigured() ? await (await import("./proxy.js")).loadProxySupport() : undefined;
    return new NodeHttpHandler(options, proxy);
  }

  /** The agent a request goes through: the one given, else a pooled one (through the proxy, if any). */
  agentFor(request: HttpRequest): http.Agent {
    const tls = request.protocol === "https:";
    const given = tls ? this.#options.httpsAgent : this.#options.httpAgent;
    if (isAgent(given)) return given;
    const port = request.port ? `:${request.port}` : "";
    const proxyUrl = this.#proxy?.proxyFor(`${request.protocol}//${request.hostname}${port}`) || "";
    const key = `${tls ? "https" : "http"} ${proxyUrl}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      const options = { keepAlive: true, maxSockets: DEFAULT_MAX_SOCKETS, ...(given as http.AgentOptions | undefined) };
      agent = proxyUrl ? this.#proxy!.agent(proxyUrl, tls, options) : new (tls ? https.Agent : http.Agent)(options);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  handle(request: HttpRequest, handleOptions: HandleOptions = {}): Promise<{ response: HttpResponse }> {
    const signal = handleOptions.abortSignal as SignalLike | undefined;
    const client = handleOptions.clientName ?? "CodePipelineClient";
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      let agent: http.Agent;
      try {
        agent = this.agentFor(request);
      } catch (e) {
        return reject(e);
      }
      const tls = request.protocol === "https:";
      const host = request.hostname.replace(/^\[(.*)\]$/, "$1");
      const query = buildQuery(request.query);
      const auth = request.username != null || request.password != null ? `${request.username ?? ""}:${request.password ?? ""}` : undefined;
      const req = (tls ? https : http).request({
        protocol: request.protocol,
        host,
        port: request.port,
        method: request.method,
        path: request.path + (query ? `?${query}` : "") + (request.fragment ? `#${request.fragment}` : ""),
        headers: request.headers,
        agent,
        auth,
      });
      let connectTimer: ReturnType<typeof setTimeout> | undefined;
      let warnTimer: ReturnType<typeof setTimeout> | undefined;
      const unlisten = onAbort(signal, () => {
        req.destroy();
        reject(abortError(signal));
      });
      req.once("close", () => {
        clearTimeout(connectTimer);
        clearTimeout(warnTimer);
        unlisten();
      });
      req.on("error", (e) => reject(e));

      const warnAfter = this.#options.socketAcquisitionWarningTimeout ?? DEFAULT_SOCKET_WARNING_TIMEOUT;
      if (warnAfter > 0) {
        warnTimer = setTimeout(() => this.#warnQueued(agent, req, client, handleOptions.logger, tls), warnAfter);
        warnTimer.unref?.();
      }
      const connectionTimeout = this.#options.connectionTimeout ?? 0;
      req.once("socket", (socket: Socket) => {
        clearTimeout(warnTimer);
        if (!(connectionTimeout > 0 && socket.connecting)) return;
        connectTimer = setTimeout(() => {
          req.destroy(
            new TimeoutError(
              `${client}: could not connect to ${request.hostname}${request.port ? `:${request.port}` : ""} within ${connectionTimeout} ms (connectionTimeout)`,
            ),
          );
        }, connectionTimeout);
        socket.once(tls ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
      });

      req.once("response", (res) => {
        clearTimeout(connectTimer);
        const headers: Record<string, string> = {};
        for (const k in res.headers) {
          const v = res.headers[k];
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
        }
        resolve({ response: { statusCode: res.statusCode ?? -1, reason: res.statusMessage, headers, body: res } as HttpResponse });
      });

      const body = request.body as unknown;
      if (body && typeof (body as NodeJS.ReadableStream).pipe === "function") (body as NodeJS.ReadableStream).pipe(req);
      else req.end(body as string | Uint8Array | undefined);
    });
  }

  /** Tells the user, at most every 15 s, that calls are queueing for sockets and how to size the pool. */
  #warnQueued(agent: http.Agent, req: http.ClientRequest, client: string, logger: Logger | undefined, tls: boolean): void {
    if (req.socket || req.destroyed) return;
    const now = Date.now();
    if (now - this.#lastWarning < WARNING_INTERVAL) return;
    this.#lastWarning = now;
    const option = tls ? "httpsAgent" : "httpAgent";
    const max = agent.maxSockets;
    (logger ?? this.#options.logger ?? console).warn?.(
      `${client}: ${count(agent.requests)} requests are waiting for a free connection ` +
        `(${count(agent.sockets)} sockets busy, maxSockets=${max}); the wait counts toward requestTimeout. ` +
        `To allow more parallel requests, size the pool: new ${client}({ requestHandler: { ${option}: { maxSockets: ${
          Number.isFinite(max) ? Math.max(max * 4, 100) : 200
        } } } }), or send fewer calls at once.`,
    );
  }

  /** Closes every pooled connection. Agents are created again if the handler is used afterwards. */
  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
    for (const a of [this.#options.httpAgent, this.#options.httpsAgent]) if (isAgent(a)) a.destroy();
  }

  updateHttpClientConfig(key: keyof NodeHandlerOptions, value: unknown): void {
    this.#options = { ...this.#options, [key]: value };
    if (key === "httpAgent" || key === "httpsAgent") this.#agents.clear();
  }

  httpHandlerConfigs(): NodeHandlerOptions {
    return this.#options;
  }
}

function buildQuery(query: HttpRequest["query"] | undefined): string {
  const parts: string[] = [];
  for (const k in query) {
    const v = query[k];
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === null || item === undefined) parts.push(encodeURIComponent(k));
      else parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(item)}`);
    }
  }
  return parts.join("&");
}
