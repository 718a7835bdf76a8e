/**
 * The transport: the end of the middleware stack, where one attempt goes over the wire
 * through the configured HTTP handler.
 */
import type { HttpRequest, HttpResponse, Logger } from "@smithy/types";
import type { HttpHandler } from "./config.js";
import { NetworkError, TimeoutError } from "./errors.js";
import { abortError, onAbort, type SignalLike } from "./abort.js";
import { runtime } from "./runtime.js";

export interface AttemptOptions {
  /** The call's abort signal. */
  signal?: SignalLike;
  /** The call's `operationTimeout`, when it has one: the time left, and what ends the call. */
  limits?: { left(): number; expire(): void };
  /** For messages, e.g. `CodePipelineClient`. */
  clientName?: string;
  /** The client's logger, when the user gave one (the default handler warns through it). */
  logger?: Logger;
}

const KEEP = new Set(["AbortError", "TimeoutError", "NetworkError"]);

/**
 * Turns what a handler threw into a typed error: errors that already have a meaning
 * (ours, service errors, a custom handler's own named errors) are kept; plain
 * `Error`s and fetch's `TypeError` become a `NetworkError` keeping `code` and `cause`.
 */
function networkError(e: unknown, request: HttpRequest, reading: boolean): Error {
  if (e === null || typeof e !== "object") return new NetworkError(`Request failed: ${String(e)}`, { cause: e });
  const err = e as Error & { code?: unknown; $fault?: unknown; $metadata?: unknown };
  if (KEEP.has(err.name) || err.$fault !== undefined || (err.name !== "Error" && err.name !== "TypeError")) return err;
  const code = typeof err.code === "string" ? err.code : undefined;
  const host = request.hostname + (request.port ? `:${request.port}` : "");
  const what = reading ? `The response from ${host} was cut off` : `The request to ${host} failed`;
  const hint = !reading && err.name === "TypeError" ? (runtime.fetchFailureHint ?? "") : "";
  const out = new NetworkError(`${what}: ${err.message}${code ? ` (${code})` : ""}${hint}`, { cause: err });
  if (code) out.code = code;
  return out;
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
  const { signal, limits } = options;
  const left = limits ? limits.left() : Infinity;
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
    const fail = (e: unknown): void => void (end() && reject(networkError(e, request, reading)));
    const timer =
      timeout > 0 && timeout !== Infinity
        ? setTimeout(
            () =>
              atDeadline
                ? limits!.expire()
                : stop(
                    new TimeoutError(
                      `${options.clientName ?? "The client"}: the request did not complete within ${timeout} ms (requestTimeout), waiting for a connection included`,
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
        } as any)
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
