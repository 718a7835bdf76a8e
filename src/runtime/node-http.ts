/**
 * The default HTTP handler in Node: `NodeHttpHandler` from `@smithy/node-http-handler`,
 * given keep-alive agents of ours (or the caller's, or proxy agents when HTTPS_PROXY /
 * HTTP_PROXY / ALL_PROXY is set), and around it what the client adds: a connection timeout
 * covering the TLS handshake, errors that name the client and the option to change, and a
 * warning naming the client when calls queue for sockets. Loaded on the first request only.
 *
 * The per-attempt request timeout is enforced by the client around the handler
 * (see src/transport.ts), so it covers the socket wait and the body as well; the inner
 * handler gets `requestTimeout: 0`.
 */
import http from "node:http";
import https from "node:https";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { HttpHandlerOptions, HttpRequest, HttpResponse, Logger, NodeHttpHandlerOptions } from "@smithy/types";
import { TimeoutError } from "../errors.js";
import { PLAIN_SIGNAL } from "../config.js";
import { DEFAULT_MAX_SOCKETS, isAgent, poolAgent, type ConnectLimit } from "./node-agents.js";
import { CAPACITY_WARNING, DEFAULT_SOCKET_WARNING_TIMEOUT, poolWarning, queuedSince, queueTails, watchQueued } from "./pool-warning.js";

export { DEFAULT_MAX_SOCKETS, DEFAULT_SOCKET_WARNING_TIMEOUT };

/** Options of the default Node handler: `new CodePipelineClient({ requestHandler: { ... } })`. */
export interface NodeHandlerOptions extends Omit<NodeHttpHandlerOptions, "httpAgent" | "httpsAgent"> {
  /** Agent for http endpoints, or options for the default one (`keepAlive: true, maxSockets: 50`). */
  httpAgent?: http.Agent | http.AgentOptions;
  /** Agent for https endpoints, or options for the default one (`keepAlive: true, maxSockets: 50`). */
  httpsAgent?: https.Agent | https.AgentOptions;
  /** Milliseconds to open a connection (TCP and TLS). 0 turns it off. */
  connectionTimeout?: number;
  /** Per-attempt timeout; read by the client, which enforces it around the handler. */
  requestTimeout?: number;
  /** Milliseconds a request may wait for a free socket before the client warns. Default 1 000; 0 turns it off. */
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

const PROXY_VARIABLES = ["https_proxy", "http_proxy", "all_proxy"];
/** Codes that `NodeHttpHandler` renames `TimeoutError`; they are network failures, not timeouts. */
const RENAMED_CODES = ["ECONNRESET", "EPIPE", "ETIMEDOUT"];

/** True when a proxy variable is set (either case). */
export const proxyConfigured = (env: NodeJS.ProcessEnv = process.env): boolean =>
  PROXY_VARIABLES.some((k) => !!(env[k] || env[k.toUpperCase()]));

/** The default handler for the client's `requestHandler` options; loads proxy support only when a proxy variable is set. */
export async function createNodeHandler(options: NodeHandlerOptions = {}): Promise<DefaultNodeHandler> {
  const proxy = proxyConfigured() ? await (await import("./proxy.js")).loadProxySupport() : undefined;
  return new DefaultNodeHandler(options, proxy);
}

/** One `NodeHttpHandler` with the agent it sends through. */
interface Route {
  tls: boolean;
  agent: http.Agent;
  /** The caller's own agent: the inner handler enforces the connection timeout (TCP only). */
  external: boolean;
  inner: NodeHttpHandler;
  /** `http.request` when the route was made: NodeHttpHandler keeps the one it saw first (see `#routeFor`). */
  httpRequest: typeof http.request;
  /** Pending until the inner handler has resolved its configuration (see `#prime`). */
  ready?: Promise<void>;
}

/** An already aborted signal: sends nothing, but makes `NodeHttpHandler` resolve its configuration. */
const ABORTED = { aborted: true } as HttpHandlerOptions["abortSignal"];
const noop = () => {};

/**
 * The default Node handler. Requests go through one `NodeHttpHandler` per protocol
 * (and per proxy, NO_PROXY being decided per target origin), each created at its first use.
 */
export class DefaultNodeHandler {
  readonly metadata = { handlerProtocol: "http/1.1" };
  /** `NodeHttpHandler` takes a v3-style signal object, which the client makes far more cheaply than an `AbortSignal` (see PLAIN_SIGNAL). */
  readonly [PLAIN_SIGNAL] = true;
  #options: NodeHandlerOptions;
  #proxy: ProxySupport | undefined;
  #routes = new Map<string, Route>();
  readonly #poolWarning = poolWarning();
  #client = "CodePipelineClient";
  #logger: Logger | undefined;
  readonly #limit: ConnectLimit = {
    ms: () => this.#options.connectionTimeout ?? 0,
    fail: (host, port) =>
      new TimeoutError(
        `${this.#client}: could not connect to ${host}${port ? `:${port}` : ""} within ${this.#options.connectionTimeout} ms (connectionTimeout)`,
      ),
  };

  constructor(options: NodeHandlerOptions = {}, proxy?: ProxySupport) {
    this.#options = { ...options };
    this.#proxy = proxy;
  }

  handle(request: HttpRequest, handleOptions: HandleOptions = {}): Promise<{ response: HttpResponse }> {
    if (handleOptions.clientName) this.#client = handleOptions.clientName;
    this.#logger = handleOptions.logger;
    let route: Route;
    try {
      route = this.#routeFor(request);
    } catch (e) {
      return Promise.reject(e);
    }
    return route.ready ? route.ready.then(() => this.#send(route, request, handleOptions)) : this.#send(route, request, handleOptions);
  }

  #send(route: Route, request: HttpRequest, handleOptions: HandleOptions): Promise<{ response: HttpResponse }> {
    const warnAfter = this.#warnAfter();
    const { agent } = route;
    const before = warnAfter > 0 ? queueTails(agent) : undefined;
    // requestTimeout 0: the client's own timeout (src/transport.ts) ends the attempt; NodeHttpHandler's would only warn
    const sent = route.inner.handle(request as any, { abortSignal: handleOptions.abortSignal, requestTimeout: 0 });
    // NodeHttpHandler creates the request synchronously once configured: a request that had to queue is the agent's new tail
    if (warnAfter > 0) {
      const queued = queuedSince(agent, before);
      if (queued) watchQueued(queued, agent, warnAfter, (n, busy) => this.#warnQueued(route, n, busy));
    }
    return sent.then(undefined, (e: unknown) => {
      throw this.#clientError(e, request, route);
    }) as Promise<{ response: HttpResponse }>;
  }

  /** The route for a request: the caller's agent, else a pooled one (through the proxy, if any). */
  #routeFor(request: HttpRequest): Route {
    const tls = request.protocol === "https:";
    const given = tls ? this.#options.httpsAgent : this.#options.httpAgent;
    let proxyUrl = "";
    if (this.#proxy && !isAgent(given)) {
      const port = request.port ? `:${request.port}` : "";
      proxyUrl = this.#proxy.proxyFor(`${request.protocol}//${request.hostname}${port}`) || "";
    }
    const key = proxyUrl ? `${tls ? "https" : "http"} ${proxyUrl}` : tls ? "https" : "http";
    let route = this.#routes.get(key);
    // NodeHttpHandler reads `http.request` once, at its first http request, while interceptors (msw, nock)
    // patch it when they start and restore it when they stop: a new inner handler picks up the current one
    if (route && !tls && route.httpRequest !== http.request) {
      route = this.#route(tls, route.agent, route.external);
      this.#routes.set(key, route);
    }
    if (!route) {
      let agent: http.Agent;
      if (isAgent(given)) agent = given;
      else {
        const options = { keepAlive: true, maxSockets: DEFAULT_MAX_SOCKETS, ...(given as http.AgentOptions | undefined) };
        agent = proxyUrl
          ? this.#proxy!.agent(proxyUrl, tls, options)
          : poolAgent(tls, options, this.#limit);
      }
      route = this.#route(tls, agent, isAgent(given));
      this.#routes.set(key, route);
    }
    return route;
  }

  #route(tls: boolean, agent: http.Agent, external: boolean): Route {
    const { httpAgent, httpsAgent, requestTimeout, connectionTimeout, socketAcquisitionWarningTimeout, logger, ...rest } = this.#options;
    const route: Route = { tls, agent, external, inner: undefined!, httpRequest: http.request };
    const warnAfter = this.#warnAfter();
    route.inner = new NodeHttpHandler({
      ...rest,
      // the same agent in both slots: a route carries one protocol, and no spare agent gets created
      httpAgent: agent,
      httpsAgent: agent as https.Agent,
      requestTimeout: 0,
      // our agents time TCP and TLS themselves, from the moment the connection is made (not while queued);
      // proxy agents hand over connected sockets, so, as before, the proxy connection counts toward requestTimeout
      connectionTimeout: external ? connectionTimeout : undefined,
      socketAcquisitionWarningTimeout: warnAfter > 0 ? warnAfter : undefined,
      logger: this.#innerLogger(route),
    });
    this.#prime(route);
    return route;
  }

  /**
   * `NodeHttpHandler` resolves its configuration at its first request, asynchronously; a request
   * that is already aborted resolves it (and sends nothing), so later requests are created in
   * the same tick as `handle` and a queued one can be spotted.
   */
  #prime(route: Route): void {
    const probe = { protocol: route.tls ? "https:" : "http:", hostname: "localhost", method: "GET", path: "/", headers: {}, query: {} };
    const ready = route.inner
      .handle(probe as any, { abortSignal: ABORTED })
      .then(noop, noop)
      .then(() => {
        if (route.ready === ready) route.ready = undefined;
      });
    route.ready = ready;
  }

  /** Where `NodeHttpHandler` logs: its pool warning becomes ours, anything else goes to the client's logger. */
  #innerLogger(route: Route): Logger {
    const log = (): Logger => this.#logger ?? this.#options.logger ?? console;
    return {
      trace: (...a: unknown[]) => log().trace?.(...a),
      debug: (...a: unknown[]) => log().debug(...a),
      info: (...a: unknown[]) => log().info(...a),
      error: (...a: unknown[]) => log().error(...a),
      warn: (...a: unknown[]) => {
        const capacity = CAPACITY_WARNING.exec(String(a[0]));
        if (!capacity) return log().warn(...a);
        if (this.#warnAfter() > 0) this.#warnQueued(route, Number(capacity[2]), Number(capacity[1]));
      },
    };
  }

  #warnAfter(): number {
    return this.#options.socketAcquisitionWarningTimeout ?? DEFAULT_SOCKET_WARNING_TIMEOUT;
  }

  /**
   * NodeHttpHandler's errors as the client reports them: resets keep their own name (the client
   * makes them `NetworkError`s), and its timeouts name the client, the host and the option.
   */
  #clientError(e: unknown, request: HttpRequest, route: Route): unknown {
    const err = e as (Error & { code?: unknown }) | null;
    if (!err || typeof err !== "object" || err.name !== "TimeoutError" || err instanceof TimeoutError) return e;
    if (typeof err.code === "string" && RENAMED_CODES.includes(err.code)) {
      if (Object.prototype.hasOwnProperty.call(err, "name")) delete (err as { name?: string }).name;
      return err;
    }
    const host = request.hostname + (request.port ? `:${request.port}` : "");
    const message = String(err.message);
    if (route.external && message.includes("did not establish a connection"))
      return new TimeoutError(
        `${this.#client}: could not connect to ${host} within ${this.#options.connectionTimeout} ms (connectionTimeout)`,
        { cause: err },
      );
    if (message.includes("timed out after"))
      return new TimeoutError(`${this.#client}: the connection to ${host} was idle for ${this.#options.socketTimeout} ms (socketTimeout)`, {
        cause: err,
      });
    return new TimeoutError(`${this.#client}: ${message}`, { cause: err });
  }

  #warnQueued(route: Route, queued: number, busy: number): void {
    this.#poolWarning(this.#logger ?? this.#options.logger ?? console, this.#client, route.tls, route.agent.maxSockets, queued, busy);
  }

  /** Closes every pooled connection. Agents are created again if the handler is used afterwards. */
  destroy(): void {
    for (const route of this.#routes.values()) route.agent.destroy();
    this.#routes.clear();
    for (const a of [this.#options.httpAgent, this.#options.httpsAgent]) if (isAgent(a)) a.destroy();
  }

  updateHttpClientConfig(key: keyof NodeHandlerOptions, value: unknown): void {
    this.#options = { ...this.#options, [key]: value };
    // new agents: built at the next request (requests in flight finish on the old ones)
    if (key === "httpAgent" || key === "httpsAgent") return this.#routes.clear();
    // anything else: new inner handlers over the same agents
    for (const [k, r] of this.#routes) this.#routes.set(k, this.#route(r.tls, r.agent, r.external));
  }

  httpHandlerConfigs(): NodeHandlerOptions {
    return this.#options;
  }
}
