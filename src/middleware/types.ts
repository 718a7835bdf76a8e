/**
 * What the client's middleware see: the handler context of one call and the
 * middleware shape. Kept apart from the middleware themselves, so that the stack,
 * the command and each step import types without importing each other.
 */
import type { HandlerExecutionContext, MetadataBearer } from "@smithy/types";
import type { ResolvedConfig, SendOptions } from "../config.js";
import type { OperationSpec } from "../operation.js";

/** What our middleware find in the handler context (the command fills it in). */
export interface CallContext extends HandlerExecutionContext {
  clientName: string;
  commandName: string;
  logger: ResolvedConfig["logger"];
  operation: OperationSpec;
  options?: SendOptions;
}

/** What a middleware of the initialize and serialize steps receives. */
export interface InputArgs {
  input: object;
}

/**
 * What a middleware receives from the build step on: the input and the request, an
 * `HttpRequest` from our serializer (typed `unknown` by `@smithy/types`, since other
 * middleware may replace it).
 */
export interface RequestArgs extends InputArgs {
  request: unknown;
}

/**
 * What the transport gives back: the response, an `HttpResponse` (typed `unknown` by
 * `@smithy/types`, since other middleware may replace it).
 */
export interface TransportResult {
  output?: MetadataBearer;
  response: unknown;
}

/** What a middleware above the deserializer gets back: the output as well. */
export interface CallResult extends TransportResult {
  output: MetadataBearer;
}

/** The rest of the stack. */
export type CallHandler<A extends InputArgs = RequestArgs, R extends TransportResult = CallResult> = (args: A) => Promise<R>;

/**
 * One of the client's middleware: v3's shape, so the stack takes it as it is. The context
 * is typed as `@smithy/types` types it; our middleware read it as a `CallContext`.
 */
export type CallMiddleware<A extends InputArgs = RequestArgs, R extends TransportResult = CallResult> = (
  next: CallHandler<A, R>,
  context: HandlerExecutionContext,
) => CallHandler<A, R>;
