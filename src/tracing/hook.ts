/**
 * The seam between calls and a tracing implementation. Nothing here depends on
 * OpenTelemetry: the implementation (`./otel.ts`, on `@opentelemetry/api`) is loaded
 * at the first call that finds a tracer or meter provider registered (Node), or given
 * explicitly with `tracing(client)` from `codepipeline-client/otel`.
 */
import type { MetadataBearer, MiddlewareStack } from "@smithy/types";
import type { ResolvedConfig } from "../config.js";
import type { CallContext, CallHandler, CallMiddleware, InputArgs } from "../middleware/types.js";

type Next = CallHandler<any, any>;

/** Attribute values a helper may put on its span. */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** A helper's span: its work runs inside it (`run`), so the calls it makes are its children. */
export interface HelperSpan {
  setAttributes(attributes: SpanAttributes): void;
  addEvent(name: string, attributes?: SpanAttributes): void;
  /** Runs `work` with this span as the active one. */
  run<T>(work: () => T): T;
  /**
   * Ends the span. With an error: records it and sets the ERROR status. With only a `failure`
   * (an outcome that is not an exception, e.g. a failed pipeline execution): the ERROR status with that message.
   */
  end(error?: unknown, failure?: string): void;
}

/** A loaded tracing implementation. */
export interface Tracing {
  /** Runs one call, all attempts included, in a CLIENT span parented on the active context. */
  call(next: Next, context: CallContext, args: any, config: ResolvedConfig): Promise<any>;
  /** Starts a helper's span, parented on the active context. */
  start(name: string, kind: "internal" | "consumer", attributes: SpanAttributes): HelperSpan;
  /** The helpers' span logic (`tracing/helpers.ts`), shipped with the implementation. */
  helpers: typeof import("./helpers.js");
}

/** What the job tracing needs of a job worker's backend. */
export interface JobBackend<Item> {
  kind: string;
  thirdParty: boolean;
  idOf(item: Item): string;
  claim(
    item: Item,
    ...rest: any[]
  ): Promise<{ succeed(result: { continuationToken?: string }, ...rest: any[]): Promise<unknown>; fail(details: { type?: string; message?: string }, ...rest: any[]): Promise<unknown> } | undefined>;
}

/** Records one call's attempts on its span; put on the call's handler context by `Tracing.call`. */
export interface AttemptRecorder {
  attempt(next: Next, args: any): Promise<any>;
}

/** Where `Tracing.call` leaves the call's `AttemptRecorder` in the handler context. */
export const ATTEMPTS = "tracingAttempts";

/** Where `tracing(client)` leaves its implementation on the client's config, for the helpers. */
export const TRACING = "tracing";

/** A tracing implementation now, one being loaded, or none. */
export type TracingSource = () => Tracing | Promise<Tracing | undefined> | undefined;

/**
 * Adds the two tracing middleware: one around the whole call (initialize, first) and one
 * around each attempt (finalizeRequest, after retry and signing). Each asks `source` when the
 * call's handler is built and steps aside (returns `next` itself) when there is no tracing.
 */
export function addTracingMiddleware(
  stack: MiddlewareStack<object, MetadataBearer>,
  config: ResolvedConfig,
  source: TracingSource,
  override = false,
): void {
  const call: CallMiddleware<InputArgs> = (next, context) => {
    const t = source();
    if (!t) return next;
    return t instanceof Promise
      ? (args) => t.then((loaded) => (loaded ? loaded.call(next, context as CallContext, args, config) : next(args)))
      : (args) => t.call(next, context as CallContext, args, config);
  };
  const attempt: CallMiddleware = (next, context) =>
    source()
      ? (args) => {
          const rec = context[ATTEMPTS] as AttemptRecorder | undefined;
          return rec ? rec.attempt(next, args) : next(args);
        }
      : next;
  stack.add(call, { step: "initialize", priority: "high", name: "tracingMiddleware", tags: ["TRACING"], override });
  stack.add(attempt, { step: "finalizeRequest", priority: "high", name: "tracingAttemptMiddleware", tags: ["TRACING"], override });
}
