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

/** The error a call fails with once its signal has aborted; `cause` is the signal's reason. */
export const abortError = (signal?: SignalLike | null): AbortError =>
  new AbortError("Request aborted", signal?.reason === undefined ? {} : { cause: signal.reason });

interface Waiting {
  fns: Set<() => void>;
  dispatch: () => void;
}

/** The callbacks waiting on each signal: one listener per signal, however many calls share it. */
const waiting = /* @__PURE__ */ new WeakMap<SignalLike, Waiting>();

/**
 * Calls `fn` once when `signal` aborts. Returns a function that stops listening.
 * A signal gets a single listener however many calls share it (so Node does not warn
 * about a leak when thousands of calls use one signal), removed when the last call ends.
 * Signals without `addEventListener` get a chained `onabort` that still calls the
 * caller's own handler, and is taken back out when it fires or listening stops.
 */
export function onAbort(signal: SignalLike | null | undefined, fn: () => void): () => void {
  if (!signal) return noop;
  if (typeof signal.addEventListener === "function") {
    let w = waiting.get(signal);
    if (!w) {
      const fns = new Set<() => void>();
      const dispatch = () => {
        waiting.delete(signal);
        for (const f of [...fns]) f();
        fns.clear();
      };
      waiting.set(signal, (w = { fns, dispatch }));
      signal.addEventListener("abort", dispatch, { once: true });
    }
    const entry = w;
    entry.fns.add(fn);
    return () => {
      if (!entry.fns.delete(fn) || entry.fns.size > 0 || waiting.get(signal) !== entry) return;
      waiting.delete(signal);
      signal.removeEventListener?.("abort", entry.dispatch);
    };
  }
  const previous = signal.onabort;
  const restore = () => {
    if (signal.onabort === chained) signal.onabort = previous ?? null;
  };
  const chained = function (this: unknown, ev: unknown) {
    restore();
    if (typeof previous === "function") previous.call(this, ev);
    fn();
  };
  signal.onabort = chained;
  return restore;
}

const noop = () => {};

/** Waits `ms`, or rejects with an `AbortError` as soon as the signal aborts. */
export function sleep(ms: number, signal?: SignalLike | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const stop = onAbort(signal, () => {
      clearTimeout(timer);
      reject(abortError(signal));
    });
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, ms);
  });
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
    promise.then(
      (v) => {
        stop();
        resolve(v);
      },
      (e) => {
        stop();
        reject(e);
      },
    );
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
