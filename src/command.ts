import type { Handler, MetadataBearer, MiddlewareStack } from "@smithy/types";
import type { OperationSpec } from "./operation.js";
import { constructStack } from "./middleware-stack.js";
import type { ResolvedConfig, SendOptions } from "./config.js";
import { resolveHandler } from "./handler.js";

/**
 * Base of every generated `XxxCommand`. A command only carries its input and
 * the facts of its operation (`op`); sending it is the client's job.
 */
export class Command<Input extends object, Output extends MetadataBearer> {
  readonly input: Input;
  /** The operation this command calls. */
  readonly op: OperationSpec;
  #stack?: MiddlewareStack<any, any>;

  constructor(input: Input | undefined, op: OperationSpec) {
    this.input = input ?? ({} as Input);
    this.op = op;
  }

  /** Middleware that applies to this command only; created on first use. */
  get middlewareStack(): MiddlewareStack<Input, Output> {
    return (this.#stack ??= constructStack()) as MiddlewareStack<Input, Output>;
  }

  /** True when middleware was added to this command alone. */
  get hasOwnMiddleware(): boolean {
    return this.#stack !== undefined && this.#stack.identify().length > 0;
  }

  /** Joins the client's stack with this command's and returns the handler that runs a call. */
  resolveMiddleware(
    clientStack: MiddlewareStack<any, any>,
    config: ResolvedConfig,
    options: SendOptions | undefined,
  ): Handler<Input, Output> {
    return resolveHandler(this, clientStack, config, options) as Handler<Input, Output>;
  }
}
