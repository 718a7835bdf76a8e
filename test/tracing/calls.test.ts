// Spans and metrics of calls, in process: a NodeTracerProvider registered globally (as users
// register theirs) and a client over a fake handler.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { context, metrics, trace, SpanStatusCode, type Span } from "@opentelemetry/api";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { AggregationTemporality, MeterProvider, MetricReader, type HistogramMetricData, type SumMetricData } from "@opentelemetry/sdk-metrics";
import { GetPipelineCommand, ListPipelinesCommand } from "../../commands/index.js";
import { tracing } from "../../src/otel/index.js";
import { clientWith, fakeHandler } from "../core/helpers.js";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
class TestReader extends MetricReader {
  protected async onForceFlush() {}
  protected async onShutdown() {}
}
const reader = new TestReader({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
const meterProvider = new MeterProvider({ readers: [reader] });

beforeAll(() => {
  provider.register();
  metrics.setGlobalMeterProvider(meterProvider);
});
afterAll(() => {
  trace.disable();
  metrics.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

const ok = (requestId = "r1") => ({ statusCode: 200, headers: { "x-amzn-requestid": requestId }, body: { pipelines: [] } });
const callSpans = () => exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === "codepipeline-client");
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const tracer = trace.getTracer("test");

describe("context propagation", () => {
  it("calls running at the same time are each parented on the span active where they were sent", async () => {
    const handler = fakeHandler(ok());
    const client = clientWith(handler);
    const parents: Span[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        tracer.startActiveSpan(`parent ${i}`, async (parent) => {
          parents.push(parent);
          await new Promise((r) => setTimeout(r, 5 * (5 - i)));
          await client.send(new ListPipelinesCommand({}));
          parent.end();
        }),
      ),
    );
    const spans = callSpans();
    expect(spans).toHaveLength(5);
    for (const parent of parents) {
      const children = spans.filter((s) => parentOf(s) === parent.spanContext().spanId);
      expect(children).toHaveLength(1);
      expect(children[0]!.spanContext().traceId).toBe(parent.spanContext().traceId);
    }
  });

  it("code running inside a call (middleware, the handler) sees the call's span as the active one", async () => {
    let active: string | undefined;
    const client = clientWith({
      handle: async () => {
        active = trace.getActiveSpan()?.spanContext().spanId;
        return { response: { statusCode: 200, headers: {}, body: new TextEncoder().encode("{}") } as any };
      },
    });
    await client.send(new ListPipelinesCommand({}));
    expect(active).toBe(callSpans()[0]!.spanContext().spanId);
    // and the caller's context is as it was
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it("the callback form is traced too", async () => {
    const client = clientWith(fakeHandler(ok()));
    await new Promise<void>((resolve, reject) => client.send(new ListPipelinesCommand({}), (err) => (err ? reject(err) : resolve())));
    expect(callSpans().map((s) => s.name)).toEqual(["CodePipeline.ListPipelines"]);
  });
});

describe("retries and errors", () => {
  it("a call that runs out of attempts: ERROR, every attempt an event, the backoff between them", async () => {
    const client = clientWith(fakeHandler({ statusCode: 503, headers: { "x-amzn-requestid": "r5" }, body: { __type: "ServiceUnavailableException", message: "busy" } }));
    const err = await client.send(new GetPipelineCommand({ name: "p" })).catch((e) => e);
    expect(err.name).toBe("ServiceUnavailableException");
    const [span] = callSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "busy" });
    expect(span!.attributes).toMatchObject({
      "aws.attempts": 3,
      "error.type": "ServiceUnavailableException",
      "aws.error.category": "transient",
      "http.response.status_code": 503,
      "aws.request.id": "r5",
    });
    const attempts = span!.events.filter((e) => e.name === "aws.attempt").map((e) => e.attributes!);
    expect(attempts.map((a) => a["aws.attempt.number"])).toEqual([1, 2, 3]);
    for (const a of attempts) expect(a).toMatchObject({ "http.response.status_code": 503, "error.type": "ServiceUnavailableException" });
    // a delay follows the first two attempts, none the last
    expect(attempts[0]!["aws.retry.delay_ms"]).toBeGreaterThanOrEqual(0);
    expect(attempts[1]!["aws.retry.delay_ms"]).toBeGreaterThanOrEqual(0);
    expect(attempts[2]!["aws.retry.delay_ms"]).toBeUndefined();
    expect(span!.attributes["aws.retry.total_delay_ms"]).toBe(err.$metadata.totalRetryDelay);
    expect(span!.events.filter((e) => e.name === "exception")).toHaveLength(1);
  });

  it("an aborted call: category abort", async () => {
    // aborted once the request is in the handler, so the attempt (and the span) ends with the abort
    let reached!: () => void;
    const inHandler = new Promise<void>((r) => (reached = r));
    const client = clientWith({
      handle: () => {
        reached();
        return new Promise(() => {});
      },
    });
    const controller = new AbortController();
    const call = client.send(new ListPipelinesCommand({}), { abortSignal: controller.signal });
    await inHandler;
    controller.abort();
    await expect(call).rejects.toThrow();
    expect(callSpans()[0]!.attributes).toMatchObject({ "error.type": "AbortError", "aws.error.category": "abort" });
  });

  it("a failure before any request (no region) is recorded with its error", async () => {
    const client = clientWith(fakeHandler(ok()), { region: () => Promise.reject(new Error("no region here")) });
    await expect(client.send(new ListPipelinesCommand({}))).rejects.toThrow("no region here");
    const [span] = callSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes["cloud.region"]).toBeUndefined();
    expect(span!.events.filter((e) => e.name === "aws.attempt")).toHaveLength(0);
  });

  it("a call that succeeds at once has no attempt events and no retry attributes", async () => {
    await clientWith(fakeHandler(ok())).send(new ListPipelinesCommand({}));
    const [span] = callSpans();
    expect(span!.events).toEqual([]);
    expect(Object.keys(span!.attributes).sort()).toEqual([
      "aws.request.id",
      "cloud.region",
      "http.response.status_code",
      "rpc.method",
      "rpc.service",
      "rpc.system",
    ]);
  });
});

describe("metrics", () => {
  it("call duration (rpc.client.duration, ms) and attempts, with the RPC attributes and error.type on failures", async () => {
    await reader.collect(); // forget earlier tests' calls
    let n = 0;
    const client = clientWith(fakeHandler(() => (++n === 1 ? { statusCode: 500, body: { __type: "InternalFailure" } } : ok())));
    await client.send(new ListPipelinesCommand({}));
    await clientWith(fakeHandler({ statusCode: 400, body: { __type: "PipelineNotFoundException", message: "no" } }))
      .send(new GetPipelineCommand({ name: "x" }))
      .catch(() => {});
    const { resourceMetrics } = await reader.collect();
    const scope = resourceMetrics.scopeMetrics.find((s) => s.scope.name === "codepipeline-client")!;
    const duration = scope.metrics.find((m) => m.descriptor.name === "rpc.client.duration") as HistogramMetricData;
    expect(duration.descriptor.unit).toBe("ms");
    const points = duration.dataPoints.map((p) => [p.attributes, p.value.count]);
    expect(points).toEqual([
      [{ "rpc.system": "aws-api", "rpc.service": "CodePipeline", "rpc.method": "ListPipelines" }, 1],
      [{ "rpc.system": "aws-api", "rpc.service": "CodePipeline", "rpc.method": "GetPipeline", "error.type": "PipelineNotFoundException" }, 1],
    ]);
    const attempts = scope.metrics.find((m) => m.descriptor.name === "smithy.client.call.attempts") as SumMetricData;
    expect(attempts.dataPoints.map((p) => [p.attributes["rpc.method"], p.value])).toEqual([
      ["ListPipelines", 2],
      ["GetPipeline", 1],
    ]);
  });
});

describe("tracing(client) from codepipeline-client/otel", () => {
  it("sends the client's spans to the tracer provider it is given, and only those", async () => {
    const own = new InMemorySpanExporter();
    const client = tracing(clientWith(fakeHandler(ok())), {
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(own)] }),
    });
    await client.send(new ListPipelinesCommand({}));
    expect(own.getFinishedSpans().map((s) => s.name)).toEqual(["CodePipeline.ListPipelines"]);
    // it replaced the automatic tracing: nothing went to the global provider
    expect(callSpans()).toEqual([]);
    expect(client.middlewareStack.identify().filter((n) => n.startsWith("tracing"))).toHaveLength(2);
  });
});

describe("removing it", () => {
  it("a client without the tracing middleware makes no span", async () => {
    const client = clientWith(fakeHandler(ok()));
    client.middlewareStack.removeByTag("TRACING");
    await client.send(new ListPipelinesCommand({}));
    expect(callSpans()).toEqual([]);
  });
});
