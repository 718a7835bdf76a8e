import type { Handler, HttpRequest, MetadataBearer, MiddlewareStack } from "@smithy/types";
import type { OperationSpec } from "./operation.js";
import { constructStack } from "./middleware/stack.js";
import type { CallContext } from "./middleware/types.js";
import { NO_LOGGER, type ResolvedConfig, type SendOptions } from "./config.js";
import { callLimits, type SignalLike } from "./abort.js";
import { TimeoutError } from "./errors.js";
import { transport, type AttemptOptions } from "./transport.js";
import { withSettings } from "./settings.js";

/**
 * Base of every generated `XxxCommand`. A command only carries its input and
 * the facts of its operation (`op`); sending it is the client's job.
 */
export class Command<Input extends object, Output extends MetadataBearer> {
  /** The input the command was created with. */
  readonly input: Input;
  /** The operation this command calls. */
  readonly op: OperationSpec;
  #stack?: MiddlewareStack<Input, Output>;

  constructor(input: Input | undefined, op: OperationSpec) {
    this.input = input ?? ({} as Input);
    this.op = op;
  }

  /** Middleware that applies to this command only; created on first use. */
  get middlewareStack(): MiddlewareStack<Input, Output> {
    return (this.#stack ??= constructStack());
  }

  /** True when middleware was added to this command alone. */
  get hasOwnMiddleware(): boolean {
    return this.#stack !== undefined && this.#stack.identify().length > 0;
  }

  /**
   * Joins the client's stack with this command's around the transport and returns the
   * handler that runs a call.
   */
  resolveMiddleware(
    clientStack: MiddlewareStack<any, any>,
    config: ResolvedConfig,
    options: SendOptions | undefined,
  ): Handler<Input, Output> {
    const stack: MiddlewareStack<Input, Output> = this.hasOwnMiddleware ? clientStack.concat(this.#stack!) : clientStack;
    const context: CallContext = {
      clientName: "CodePipelineClient",
      commandName: this.op.name + "Command",
      logger: config.logger,
      operation: this.op,
      options,
    };
    const signal = options?.abortSignal as SignalLike | undefined;
    const limit = options?.operationTimeout ?? config.operationTimeout ?? 0;
    let limits: ReturnType<typeof callLimits> | undefined;
    if (signal || limit > 0) {
      limits = callLimits(signal, limit, () => new TimeoutError(`${context.clientName}: the call did not complete within ${limit} ms (operationTimeout), every attempt and wait included`));
      // the middleware and the transport see the call's own signal, which aborts at either limit
      context.options = { ...options, abortSignal: limits.signal };
    }
    const attempt: AttemptOptions = {
      limits,
      clientName: context.clientName,
      logger: config.logger === NO_LOGGER ? undefined : config.logger,
    };
    const handler = stack.resolve(
      (args) =>
        withSettings(config, (s) => {
          const send = (timeout: number) => transport(config.requestHandler!, args.request as HttpRequest, attempt, timeout);
          const timeout = s.attemptTimeout(options);
          return typeof timeout === "number" ? send(timeout) : timeout.then(send);
        }),
      context,
    );
    return limits ? (args) => limits.guard(handler(args)) : handler;
  }
}
