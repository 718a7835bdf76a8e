import type { HttpRequest, HttpResponse, MiddlewareStack } from "@smithy/types";
import { DEFAULT_REQUEST_TIMEOUT, type HttpHandler, type ResolvedConfig, type SendOptions } from "./config.js";
import type { Command } from "./command.js";
import type { CallContext } from "./middleware/index.js";
import { AbortError, TimeoutError } from "./errors.js";
import { runtime } from "./runtime.js";

/** Joins client and command middleware around the transport and returns the call's handler. */
export function resolveHandler(
  command: Command<any, any>,
  clientStack: MiddlewareStack<any, any>,
  config: ResolvedConfig,
  options: SendOptions | undefined,
) {
  const stack = command.hasOwnMiddleware ? clientStack.concat(command.middlewareStack) : clientStack;
  const context: CallContext = {
    clientName: "CodePipelineClient",
    commandName: command.op.n + "Command",
    logger: config.logger,
    operation: command.op,
    options,
  };
  const timeout = options?.requestTimeout ?? config.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT;
  return stack.resolve(
    (args: any) => transport(config.requestHandler!, args.request, options?.abortSignal as AbortSignal | undefined, timeout),
    context as any,
  );
}

/**
 * Sends one attempt and reads its whole body, within `timeout` ms (socket wait,
 * connection and body included). Aborting the user's signal cancels it at once.
 * The handler gets a signal of its own, so the user's `onabort` is never replaced.
 */
async function transport(handler: HttpHandler, request: HttpRequest, signal: AbortSignal | undefined, timeout: number) {
  if (signal?.aborted) throw new AbortError("Request aborted");
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    if (timeout > 0 && timeout !== Infinity)
      timer = setTimeout(() => {
        reject(new TimeoutError(`Request did not complete within ${timeout} ms (requestTimeout); it can be retried`));
        controller.abort();
      }, timeout);
    onAbort = () => {
      reject(new AbortError("Request aborted"));
      controller.abort();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  const attempt = (async () => {
    const { response } = await handler.handle(request, { abortSignal: controller.signal, requestTimeout: timeout } as any);
    const body = await runtime.collectBody((response as HttpResponse).body);
    return { response: { ...response, body } as HttpResponse };
  })();
  try {
    return await Promise.race([attempt, stop]);
  } catch (e: any) {
    if (e && typeof e === "object" && e.name !== "AbortError" && e.name !== "TimeoutError" && e.$fault === undefined && !e.$metadata) e.$metadata = {};
    throw e;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}
