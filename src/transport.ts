/**
 * The transport: the end of the middleware stack, where one attempt goes over the wire
 * through the configured HTTP handler.
 */
import type { HttpHandlerOptions, HttpRequest, HttpResponse, Logger } from "@smithy/types";
import type { HttpHandler } from "./config.js";
import { TimeoutError } from "./errors.js";
import { abortError, onAbort, type SignalLike } from "./abort.js";
import { runtime } from "./runtime.js";
import { failure } from "./lazy.js";

export interface AttemptOptions {
  /**
   * The call's limits, when it has an abort signal or an `operationTimeout` (`callLimits`): the signal
   * that aborts when either is reached, the time left, and what ends the call at the deadline.
   */
  limits?: { signal: SignalLike; left(): number; expire(): void };
  /** For messages, e.g. `CodePipelineClient`. */
  clientName: string;
  /** The client's logger, when the user gave one (the default handler warns through it). */
  logger?: Logger;
}

/**
 * Sends one attempt and reads its whole body within `timeout` ms (0 or Infinity: no limit):
 * waiting for a free socket, connecting, sending and reading all count. No attempt outlasts
 * the call: when less of its `operationTimeout` is left, the attempt gets that, and reaching it
 * ends the call. Aborting the call's signal cancels the attempt at once. The handler gets a
 * signal of its own, so the caller's signal only ever gets a listener that is removed again,
 * and its `onabort` is left alone. One promise and at most one timer per attempt; the first
 * outcome wins.
 */
export function transport(handler: HttpHandler, request: HttpRequest, options: AttemptOptions, timeout: number): Promise<{ response: HttpResponse }> {
  const { limits } = options;
  const signal = limits?.signal;
  const left = limits?.left() ?? Infinity;
  const atDeadline = left < (timeout || Infinity);
  if (atDeadline) timeout = Math.max(left, 1);
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const [abortSignal, abort] = runtime.attemptSignal(handler);
    let done = false;
    let reading = false;
    /** True for the first outcome only. */
    const end = (): boolean => {
      if (done) return false;
      clearTimeout(timer);
      unlisten();
      return (done = true);
    };
    const stop = (e: Error): void => {
      if (!end()) return;
      reject(e);
      abort(e);
    };
    // a handler's failure becomes a NetworkError in failure.ts, loaded at the first failure
    const fail = (e: unknown): void => void (end() && failure().then((f) => reject(f.networkError(e, request, reading)), reject));
    const timer =
      timeout > 0 && timeout !== Infinity
        ? setTimeout(
            () =>
              atDeadline
                ? limits!.expire()
                : stop(
                    new TimeoutError(
                      `${options.clientName}: the request did not complete within ${timeout} ms (requestTimeout), waiting for a connection included`,
                    ),
                  ),
            timeout,
          )
        : undefined;
    const unlisten = onAbort(signal, () => stop(abortError(signal)));
    try {
      handler
        .handle(request, {
          abortSignal,
          requestTimeout: timeout,
          clientName: options.clientName,
          logger: options.logger,
        } as HttpHandlerOptions)
        .then(({ response }: { response: HttpResponse }) => {
          reading = true;
          // read even after a timeout or abort, as before: a handler that ignored the signal still frees its connection
          return runtime.collectBody(response.body).then((body) => void (end() && resolve({ response: { ...response, body } as HttpResponse })));
        })
        .then(undefined, fail);
    } catch (e) {
      fail(e);
    }
  });
}
