/**
 * Abort-signal helpers shared by the retry loop and the transport. They accept any
 * `AbortSignal`-like object (v3's `@smithy/abort-controller` signals included) and
 * never replace a handler the caller set on `onabort`.
 */
import { AbortError } from "../errors.js";

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

/**
 * Calls `fn` once when `signal` aborts. Returns a function that stops listening.
 * Signals without `addEventListener` get a chained `onabort` that still calls the
 * caller's own handler, and is taken back out when it fires or listening stops.
 */
export function onAbort(signal: SignalLike | null | undefined, fn: () => void): () => void {
  if (!signal) return noop;
  if (typeof signal.addEventListener === "function") {
    signal.addEventListener("abort", fn, { once: true });
    return () => signal.removeEventListener?.("abort", fn);
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
