/**
 * Abort-signal helpers shared by the retry loop and the transport. They accept any
 * `AbortSignal`-like object (v3's `@smithy/abort-controller` signals included) and
 * never replace a handler the caller set on `onabort`.
 */
import { AbortError } from "./errors.js";

/** The signal shape this client accepts: a DOM `AbortSignal` or a v3 one. */
export interface SignalLike {
  readonly aborted: boolean;
  reason?: unknown;
  onabort?: ((this: any, ev: any) => any) | null;
  addEventListener?: (type: "abort", listener: () => void, options?: { once?: boolean }) => void;
  removeEventListener?: (type: "abort", listener: () => void) => void;
}

/** The error a call fails with once its signal has aborted; `cause` is the signal's reason (none without one). */
export const abortError = (signal?: SignalLike | null): AbortError => new AbortError("Request aborted", { cause: signal?.reason });

interface Waiting {
  /** The callbacks of the calls listening. */
  fns: Set<() => void>;
  /** Takes this module's listener off the signal. */
  detach: () => void;
}

/** The callbacks waiting on each signal: one listener per signal, however many calls share it. */
const waiting = /* @__PURE__ */ new WeakMap<SignalLike, Waiting>();

/** Puts this module's one listener on `signal` and records it in `waiting`. */
function listen(signal: SignalLike): Waiting {
  const events = typeof signal.addEventListener === "function";
  const previous = signal.onabort;
  const w: Waiting = {
    fns: new Set(),
    detach() {
      waiting.delete(signal);
      if (events) signal.removeEventListener?.("abort", fire);
      else if (signal.onabort === chained) signal.onabort = previous ?? null;
    },
  };
  const fire = () => {
    w.detach();
    for (const f of [...w.fns]) f();
  };
  const chained = function (this: unknown, ev: unknown) {
    fire();
    if (typeof previous === "function") previous.call(this, ev);
  };
  if (events) signal.addEventListener!("abort", fire);
  else signal.onabort = chained;
  waiting.set(signal, w);
  return w;
}

/**
 * Calls `fn` once when `signal` aborts. Returns a function that stops listening.
 * A signal gets a single listener however many calls share it (so Node does not warn
 * about a leak when thousands of calls use one signal), taken off when it fires or the
 * last call ends. That listener is an event listener, or, on signals without
 * `addEventListener`, a chained `onabort` that still calls the caller's own handler and
 * puts it back when taken off.
 */
export function onAbort(signal: SignalLike | null | undefined, fn: () => void): () => void {
  if (!signal) return noop;
  const w = waiting.get(signal) ?? listen(signal);
  w.fns.add(fn);
  return () => {
    if (w.fns.delete(fn) && w.fns.size === 0 && waiting.get(signal) === w) w.detach();
  };
}

const noop = () => {};

/** Waits `ms`, or rejects with an `AbortError` as soon as the signal aborts. */
export function sleep(ms: number, signal?: SignalLike | null): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return raceAbort(new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), signal).finally(() => clearTimeout(timer));
}

/** Settles like `promise`, or rejects with an `AbortError` as soon as the signal aborts. */
export function raceAbort<T>(promise: Promise<T>, signal?: SignalLike | null): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(noop);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const stop = onAbort(signal, () => reject(abortError(signal)));
    promise.finally(stop).then(resolve, reject);
  });
}

/**
 * The limits of one whole call: the caller's signal and `operationTimeout` ms. Returns the
 * signal the call's middleware and transport use (aborted when either limit is reached, so
 * no attempt or wait goes on), and `guard`, which settles the call at once when that happens,
 * whatever phase it is in (region, endpoint, credentials, signing, backoff, rate limiter,
 * transport): an `AbortError` for the caller's signal, the `TimeoutError` for the deadline.
 * `left` gives the milliseconds to the deadline (Infinity without one); `expire` reaches it now.
 */
export function callLimits(
  user: SignalLike | undefined,
  operationTimeout: number,
  timedOut: () => Error,
): { signal: AbortSignal; guard: <T>(p: Promise<T>) => Promise<T>; left: () => number; expire: () => void } {
  const controller = new AbortController();
  const stop = onAbort(user, () => controller.abort(user!.reason));
  if (user?.aborted) controller.abort(user.reason);
  const limited = operationTimeout > 0 && operationTimeout !== Infinity;
  const deadline = limited ? Date.now() + operationTimeout : Infinity;
  const expire = () => controller.abort(timedOut());
  const timer = limited ? setTimeout(expire, operationTimeout) : undefined;
  const reached = () => controller.signal.aborted && !user?.aborted;
  return {
    signal: controller.signal,
    left: () => deadline - Date.now(),
    expire,
    // Once a limit is reached, the call's own error (with its attempts) wins if it comes in the same turn.
    guard: (p) =>
      new Promise((resolve, reject) => {
        let settled = false;
        const end = (f: (v: any) => void) => (v: unknown) => {
          if (settled) return;
          settled = true;
          f(v);
          unlisten();
          clearTimeout(timer);
          stop();
        };
        p.then(end(resolve), (e) => end(reject)(reached() ? Object.assign(controller.signal.reason, { $metadata: e?.$metadata }) : e));
        const unlisten = onAbort(controller.signal, () => setTimeout(() => end(reject)(reached() ? controller.signal.reason : abortError(user)), 0));
      }),
  };
}
