/**
 * The default Node handler's pool warning: when calls queue for sockets, the client says so,
 * at most every 15 s, naming itself, the option to change and a pool size to try.
 */
import type http from "node:http";
import type { Logger } from "@smithy/types";

export const DEFAULT_SOCKET_WARNING_TIMEOUT = 1_000;
const WARNING_INTERVAL = 15_000;
/** `NodeHttpHandler`'s pool warning: sockets in use, then requests queued. */
export const CAPACITY_WARNING = /socket usage at capacity=(\d+) and (\d+) additional requests are enqueued/;

const count = (byOrigin: NodeJS.ReadOnlyDict<unknown[]> | undefined): number => {
  let n = 0;
  for (const k in byOrigin) n += byOrigin[k]?.length ?? 0;
  return n;
};

/** The last request queued for each origin of the agent (usually none). */
export const queueTails = (agent: http.Agent): http.ClientRequest[] | undefined => {
  let tails: http.ClientRequest[] | undefined;
  for (const k in agent.requests) {
    const queue = agent.requests[k];
    if (queue?.length) (tails ??= []).push(queue[queue.length - 1]!);
  }
  return tails;
};

/** The request queued since `before` was taken, if any. */
export const queuedSince = (agent: http.Agent, before: http.ClientRequest[] | undefined): http.ClientRequest | undefined => {
  for (const k in agent.requests) {
    const queue = agent.requests[k];
    const last = queue?.[queue.length - 1];
    if (last && !before?.includes(last)) return last;
  }
  return undefined;
};

/** Calls `warn` if the queued request still has no socket after `warnAfter` ms. */
export function watchQueued(req: http.ClientRequest, agent: http.Agent, warnAfter: number, warn: (queued: number, busy: number) => void): void {
  const timer = setTimeout(() => {
    if (req.socket || req.destroyed) return;
    warn(count(agent.requests), count(agent.sockets));
  }, warnAfter);
  timer.unref?.();
  const stop = () => {
    clearTimeout(timer);
    req.off("socket", stop);
    req.off("close", stop);
  };
  req.once("socket", stop);
  req.once("close", stop);
}

/** A pool warning: tells the user, at most every 15 s, that calls are queueing for sockets and how to size the pool. */
export function poolWarning(): (logger: Logger, client: string, tls: boolean, max: number, queued: number, busy: number) => void {
  let lastWarning = -Infinity;
  return (logger, client, tls, max, queued, busy) => {
    const now = Date.now();
    if (now - lastWarning < WARNING_INTERVAL) return;
    lastWarning = now;
    const option = tls ? "httpsAgent" : "httpAgent";
    logger.warn?.(
      `${client}: ${queued} requests are waiting for a free connection ` +
        `(${busy} sockets busy, maxSockets=${max}); the wait counts toward requestTimeout. ` +
        `To allow more parallel requests, size the pool: new ${client}({ requestHandler: { ${option}: { maxSockets: ${
          Number.isFinite(max) ? Math.max(max * 4, 100) : 200
        } } } }), or send fewer calls at once.`,
    );
  };
}
