/**
 * Spans and metrics through `@opentelemetry/api`. A call gets the span the official
 * client's instrumentation gives it (`CodePipeline.<Operation>`, kind CLIENT, the same
 * attributes and error status), and more: an event per retried attempt, the error's
 * category, and spans for the workflow helpers. No input, output or header value is
 * recorded, so no secret reaches a span.
 */
import {
  context as otelContext,
  metrics as otelMetrics,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Histogram,
  type Counter,
  type MeterProvider,
  type Span,
  type TracerProvider,
} from "@opentelemetry/api";
import type { ResolvedConfig } from "../config.js";
import type { CallContext } from "../middleware/types.js";
import { classifyError } from "../retry/classify.js";
import { VERSION } from "../version.js";
import { SERVICE_ID } from "../generated/service.js";
import { ATTEMPTS, type AttemptRecorder, type SpanAttributes, type Tracing } from "./hook.js";
import * as helpers from "./helpers.js";

/** Options of `tracing(client, options)`. */
export interface TracingOptions {
  /** Where spans go. Default: the globally registered tracer provider (`trace.setGlobalTracerProvider`). */
  tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the globally registered meter provider (`metrics.setGlobalMeterProvider`). */
  meterProvider?: MeterProvider;
}

const NAME = "codepipeline-client";
type Next = (args: any) => Promise<any>;

/**
 * What kind of failure an error is, for the `aws.error.category` attribute:
 * `throttling`, `timeout`, `abort`, `transient` (connection errors), `server` (5xx) or `client`.
 */
export function errorCategory(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "AbortError") return "abort";
  if (name === "TimeoutError") return "timeout";
  return { THROTTLING: "throttling", TRANSIENT: "transient", SERVER_ERROR: "server", CLIENT_ERROR: "client" }[classifyError(error)];
}

const errorName = (error: any): string => (typeof error?.name === "string" ? error.name : typeof error);


/** Sets the attributes the official instrumentation sets from a response's or an error's `$metadata`. */
function setMetadata(span: Span, md: { requestId?: string; extendedRequestId?: string; httpStatusCode?: number } | undefined): void {
  if (!md) return;
  if (md.requestId) span.setAttribute("aws.request.id", md.requestId);
  if (md.httpStatusCode) span.setAttribute("http.response.status_code", md.httpStatusCode);
  if (md.extendedRequestId) span.setAttribute("aws.request.extended_id", md.extendedRequestId);
}

/** Records a call's attempts as span events (only when there was more than one, or it failed). */
class Attempts implements AttemptRecorder {
  count = 0;
  /** The last failed attempt, waiting to learn the backoff that followed it. */
  pending?: { attributes: Attributes; end: number };

  constructor(readonly span: Span) {}

  attempt(next: Next, args: any): Promise<any> {
    const n = ++this.count;
    const start = Date.now();
    this.flush(start);
    const done = (attributes: SpanAttributes) => {
      this.pending = { attributes: clean({ "aws.attempt.number": n, ...attributes }), end: Date.now() };
    };
    return next(args).then(
      (out) => {
        if (n > 1) done({ "http.response.status_code": out?.response?.statusCode });
        return out;
      },
      (error) => {
        done({
          "http.response.status_code": error?.$metadata?.httpStatusCode,
          "error.type": errorName(error),
          "aws.error.category": errorCategory(error),
        });
        throw error;
      },
    );
  }

  /** Adds the pending attempt's event; `retryAt` is when the next attempt started, if one did. */
  flush(retryAt?: number): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    if (retryAt !== undefined) p.attributes["aws.retry.delay_ms"] = retryAt - p.end;
    this.span.addEvent("aws.attempt", p.attributes, p.end);
  }
}

interface Instruments {
  provider: MeterProvider;
  duration: Histogram;
  attempts: Counter;
}

/** Creates the tracing implementation; with no options it follows the globally registered providers. */
export function createTracing(options: TracingOptions = {}): Tracing {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(NAME, VERSION);
  let instruments: Instruments | undefined;
  /** The instruments of the current meter provider (a provider registered later is picked up). */
  const meter = (): Instruments => {
    const provider = options.meterProvider ?? otelMetrics.getMeterProvider();
    if (instruments?.provider === provider) return instruments;
    const m = provider.getMeter(NAME, VERSION);
    return (instruments = {
      provider,
      duration: m.createHistogram("rpc.client.duration", { unit: "ms", description: "Duration of CodePipeline calls, retries included" }),
      attempts: m.createCounter("smithy.client.call.attempts", { unit: "{attempt}", description: "HTTP attempts made by CodePipeline calls" }),
    });
  };

  return {
    helpers,
    call(next, context: CallContext, args, config) {
      const operation = context.operation.name;
      const attributes: Attributes = { "rpc.system": "aws-api", "rpc.method": operation, "rpc.service": SERVICE_ID };
      const parent = otelContext.active();
      const span = tracer.startSpan(`${SERVICE_ID}.${operation}`, { kind: SpanKind.CLIENT, attributes }, parent);
      let ended = false;
      // as the official instrumentation: the region the client resolves (a failure is the call's to report)
      config.region().then(
        (r) => void (r && !ended && span.setAttribute("cloud.region", r)),
        () => {},
      );
      const attempts = new Attempts(span);
      context[ATTEMPTS] = attempts;
      const start = performance.now();
      const end = (md: any, error?: any): void => {
        attempts.flush();
        setMetadata(span, md);
        const count = md?.attempts ?? attempts.count;
        if (count > 1) span.setAttributes({ "aws.attempts": count, "aws.retry.total_delay_ms": md?.totalRetryDelay ?? 0 });
        const metricAttributes: Attributes = { "rpc.system": "aws-api", "rpc.service": SERVICE_ID, "rpc.method": operation };
        if (error !== undefined) {
          const type = errorName(error);
          span.setAttributes({ "error.type": type, "aws.error.category": errorCategory(error) });
          if (error instanceof Error) span.recordException(error);
          else span.recordException({ name: type, message: String(error) });
          span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
          metricAttributes["error.type"] = type;
        }
        ended = true;
        span.end();
        const m = meter();
        m.duration.record(performance.now() - start, metricAttributes);
        if (count > 0) m.attempts.add(count, metricAttributes);
      };
      let result: Promise<any>;
      try {
        result = otelContext.with(trace.setSpan(parent, span), next, undefined, args);
      } catch (e) {
        result = Promise.reject(e);
      }
      return result.then(
        (out) => {
          end(out?.output?.$metadata);
          return out;
        },
        (error) => {
          end(error?.$metadata, error ?? new Error(String(error)));
          throw error;
        },
      );
    },

    start(name, kind, attributes) {
      const parent = otelContext.active();
      const span = tracer.startSpan(name, { kind: kind === "consumer" ? SpanKind.CONSUMER : SpanKind.INTERNAL, attributes: clean(attributes) }, parent);
      const active = trace.setSpan(parent, span);
      return {
        setAttributes: (a) => void span.setAttributes(clean(a)),
        addEvent: (n, a) => void span.addEvent(n, a && clean(a)),
        run: (work) => otelContext.with(active, work),
        end(error, failure) {
          if (error !== undefined) {
            span.setAttribute("error.type", errorName(error));
            if (error instanceof Error) span.recordException(error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error | undefined)?.message });
          } else if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
          span.end();
        },
      };
    },
  };
}

/** Attributes without the undefined values. */
function clean(attributes: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const k in attributes) if (attributes[k] !== undefined) out[k] = attributes[k];
  return out;
}
