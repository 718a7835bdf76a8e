import type { MetadataBearer, MiddlewareStack } from "@smithy/types";
import { constructStack } from "./middleware/stack.js";
import { addDefaultMiddleware } from "./middleware/defaults.js";
import type { Callback, CodePipelineClientConfig, ResolvedConfig, SendOptions } from "./config.js";
import { resolveConfig } from "./settings.js";
import type { Command } from "./command.js";

/**
 * What `send` uses of a command. Typed structurally (like v3's `Client.send`), so that tools written
 * against `@smithy/types` clients, such as aws-sdk-client-mock, accept this client.
 */
export type SendableCommand<I extends object, O extends MetadataBearer> = Pick<Command<I, O>, "input" | "resolveMiddleware">;

/**
 * The CodePipeline client: holds the configuration and the middleware stack,
 * and sends commands.
 *
 * ```ts
 * const client = new CodePipelineClient({ region: "eu-west-1" });
 * const { pipelines } = await client.send(new ListPipelinesCommand({}));
 * ```
 */
export class CodePipelineClient {
  /** The configuration after defaults were filled in and each setting was resolved. */
  readonly config: ResolvedConfig;
  /** The middleware every command sent by this client passes through; add your own with `add` or `addRelativeTo`. */
  readonly middlewareStack: MiddlewareStack<any, any> = constructStack();

  constructor(...[config]: [] | [CodePipelineClientConfig]) {
    this.config = resolveConfig(config ?? {});
    addDefaultMiddleware(this.middlewareStack, this.config);
  }

  /**
   * Sends a command and resolves with its output; rejects with the service's or the client's error.
   * `options` can carry an `abortSignal` and per-call request settings.
   */
  send<I extends object, O extends MetadataBearer>(command: SendableCommand<I, O>, options?: SendOptions): Promise<O>;
  /** Sends a command and reports the output or the error to a Node-style callback instead of returning a promise. */
  send<I extends object, O extends MetadataBearer>(command: SendableCommand<I, O>, cb: Callback<O>): void;
  /** Sends a command with per-call options and reports the result to a Node-style callback. */
  send<I extends object, O extends MetadataBearer>(command: SendableCommand<I, O>, options: SendOptions, cb: Callback<O>): void;
  send<I extends object, O extends MetadataBearer>(
    command: SendableCommand<I, O>,
    optionsOrCb?: SendOptions | Callback<O>,
    cb?: Callback<O>,
  ): Promise<O> | void {
    const callback = typeof optionsOrCb === "function" ? optionsOrCb : cb;
    const options = typeof optionsOrCb === "function" || optionsOrCb === null ? undefined : optionsOrCb;
    let result: Promise<O>;
    if (callback && options !== undefined && typeof options !== "object") {
      result = Promise.reject(new TypeError(`Expected http options but got ${typeof options}`));
    } else {
      try {
        const handler = command.resolveMiddleware(this.middlewareStack, this.config, options);
        result = handler(command as any).then((r) => r.output);
      } catch (e) {
        // a broken stack (e.g. middleware placed relative to a missing one) rejects like any other failure
        result = Promise.reject(e);
      }
    }
    if (!callback) return result;
    // As in v3, an exception thrown by the callback is dropped: it must not call the
    // callback a second time nor surface as an unhandled rejection.
    result
      .then(
        (data) => callback(null, data),
        (err) => callback(err),
      )
      .catch(() => {});
  }

  /** Closes the connections the client keeps open. */
  destroy(): void {
    this.config.requestHandler?.destroy?.();
  }
}
