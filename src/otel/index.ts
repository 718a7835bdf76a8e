/**
 * `codepipeline-client/otel`: OpenTelemetry tracing and metrics for a client, chosen
 * explicitly. In Node, calls are traced without it as soon as a tracer provider is
 * registered; use it in browsers and workers, or to give providers of your own.
 *
 * ```ts
 * import { tracing } from "codepipeline-client/otel";
 * const client = tracing(new CodePipelineClient({ region: "us-east-1" }));
 * ```
 */
import type { MiddlewareStack } from "@smithy/types";
import type { ResolvedConfig } from "../config.js";
import { addTracingMiddleware, TRACING } from "../tracing/hook.js";
import { createTracing, type TracingOptions } from "../tracing/otel.js";

export type { TracingOptions } from "../tracing/otel.js";

/** A `CodePipelineClient` or `CodePipeline`. */
export interface TraceableClient {
  /** The client's resolved configuration, where the tracer is stored. */
  readonly config: ResolvedConfig;
  /** The client's middleware stack, which gets the tracing middleware. */
  readonly middlewareStack: MiddlewareStack<any, any>;
}

/**
 * Traces every call of `client` (and the workflow helpers that use it) through
 * `@opentelemetry/api`, with the globally registered providers or those in `options`.
 * Returns the same client. Calling it again replaces the earlier options.
 */
export function tracing<C extends TraceableClient>(client: C, options?: TracingOptions): C {
  const impl = createTracing(options);
  Object.defineProperty(client.config, TRACING, { value: impl, configurable: true, writable: true, enumerable: false });
  addTracingMiddleware(client.middlewareStack, client.config, () => impl, true);
  return client;
}
