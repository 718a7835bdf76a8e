/**
 * The default Node handler's agents: keep-alive pools whose new connections must open (TCP, and
 * the TLS handshake for https) within the connection timeout, timed from the moment the
 * connection is made rather than while the request waits for a socket.
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

export const DEFAULT_MAX_SOCKETS = 50;

export const isAgent = (a: unknown): a is http.Agent =>
  a instanceof http.Agent || typeof (a as { addRequest?: unknown } | undefined)?.addRequest === "function";

/** Ends a new connection that is not open within `ms` (TCP, and the TLS handshake for https). */
function limitConnect(socket: Duplex | null | undefined, ms: number, tls: boolean, fail: () => Error): Duplex | null | undefined {
  if (!socket || !(ms > 0)) return socket;
  const s = socket as Socket;
  const event = tls ? "secureConnect" : "connect";
  const timer = setTimeout(() => s.destroy(fail()), ms);
  const done = () => {
    clearTimeout(timer);
    s.off(event, done);
    s.off("close", done);
  };
  s.once(event, done);
  s.once("close", done);
  return socket;
}

/** Reads the connection timeout and builds its error when a connection is created. */
export interface ConnectLimit {
  ms(): number;
  fail(host: string | null | undefined, port: unknown): Error;
}

/** An agent class whose new connections (TCP, and TLS for https) must complete within the connection timeout. */
const withConnectLimit = <A extends typeof http.Agent | typeof https.Agent>(Base: A, tls: boolean) =>
  class extends (Base as typeof http.Agent) {
    readonly #limit: ConnectLimit;
    constructor(options: https.AgentOptions, limit: ConnectLimit) {
      super(options);
      this.#limit = limit;
    }
    override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void) {
      return limitConnect(super.createConnection(options, callback), this.#limit.ms(), tls, () =>
        this.#limit.fail(options.host ?? options.hostname, options.port),
      );
    }
  };

const PoolAgent = /* @__PURE__ */ withConnectLimit(http.Agent, false);
const TlsPoolAgent = /* @__PURE__ */ withConnectLimit(https.Agent, true);

/** A pooled agent for http or https endpoints with the connection timeout of `limit`. */
export const poolAgent = (tls: boolean, options: http.AgentOptions, limit: ConnectLimit): http.Agent =>
  tls ? new TlsPoolAgent(options, limit) : new PoolAgent(options, limit);
