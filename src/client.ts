import type { MetadataBearer, MiddlewareStack } from "@smithy/types";
import { constructStack } from "./middleware-stack.js";
import { addDefaultMiddleware } from "./middleware/index.js";
import type { Callback, CodePipelineClientConfig, ResolvedConfig, SendOptions } from "./config.js";
import { resolveConfig } from "./settings.js";
import type { Command } from "./command.js";

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
  readonly config: ResolvedConfig;
  readonly middlewareStack: MiddlewareStack<any, any> = constructStack();

  constructor(...[config]: [] | [CodePipelineClientConfig]) {
    this.config = resolveConfig(config ?? {});
    addDefaultMiddleware(this.middlewareStack, this.config);
  }

  send<I extends object, O extends MetadataBearer>(command: Command<I, O>, options?: SendOptions): Promise<O>;
  send<I extends object, O extends MetadataBearer>(command: Command<I, O>, cb: Callback<O>): void;
  send<I extends object, O extends MetadataBearer>(command: Command<I, O>, options: SendOptions, cb: Callback<O>): void;
  send<I extends object, O extends MetadataBearer>(
    command: Command<I, O>,
    optionsOrCb?: SendOptions | Callback<O>,
    cb?: Callback<O>,
  ): Promise<O> | void {
    const callback = typeof optionsOrCb === "function" ? optionsOrCb : cb;
    const options = typeof optionsOrCb === "function" ? undefined : optionsOrCb;
    let result: Promise<O>;
    if (callback && options !== undefined && (typeof options !== "object" || options === null)) {
      result = Promise.reject(new TypeError(`Expected http options but got ${typeof options}`));
    } else {
      const handler = command.resolveMiddleware(this.middlewareStack, this.config, options);
      result = handler(command as any).then((r) => r.output);
    }
    if (!callback) return result;
    result.then(
      (data) => callback(null, data),
      (err) => callback(err),
    );
  }

  /** Closes the connections the client keeps open. */
  destroy(): void {
    this.config.requestHandler?.destroy?.();
  }
}
