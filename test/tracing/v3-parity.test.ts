// With OpenTelemetry set up as users set it up for the official client (a NodeTracerProvider
// and AwsInstrumentation from the real packages, plus the HTTP instrumentation), the same calls
// made with the official client and with this package give the same spans: names, kinds,
// attributes, statuses and parents, and exactly one span per call.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPackage, root, runNode } from "./build.js";

interface SpanJson {
  name: string;
  kind: number;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  events: { name: string; attributes?: Record<string, unknown> }[];
}

let out: { parents: Record<string, string>; spans: SpanJson[]; secret: string; token: string };
let remove = () => {};

beforeAll(async () => {
  const pkg = await buildPackage("otel-parity", "cjs");
  remove = pkg.remove;
  out = JSON.parse(runNode([join(root, "test/tracing/fixtures/compare.cjs")], { OURS: pkg.index }));
}, 60_000);
afterAll(() => remove());

const SPAN_KIND_CLIENT = 2;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

/** The CodePipeline spans under the test's parent span for one client and scenario. */
const callSpans = (who: "v3" | "ours", scenario: string) =>
  out.spans.filter((s) => s.name.startsWith("CodePipeline.") && s.parentSpanId === out.parents[`${who} ${scenario}`]);
const callSpan = (who: "v3" | "ours", scenario: string): SpanJson => {
  const spans = callSpans(who, scenario);
  expect(spans, `${who} ${scenario}`).toHaveLength(1);
  return spans[0]!;
};
const httpChildren = (span: SpanJson) => out.spans.filter((s) => s.parentSpanId === span.spanId && s.scope.includes("instrumentation-http"));

describe("spans of this package and of the official client with AwsInstrumentation", () => {
  it("the official client's spans come from AwsInstrumentation, ours from this package, one per call each", () => {
    for (const scenario of ["list", "missing", "flaky", "throttled", "slow"]) {
      expect(callSpan("v3", scenario).scope).toBe("@opentelemetry/instrumentation-aws-sdk");
      expect(callSpan("ours", scenario).scope).toBe("codepipeline-client");
    }
    // AwsInstrumentation adds no span of its own to this package's calls
    expect(out.spans.filter((s) => s.scope === "@opentelemetry/instrumentation-aws-sdk")).toHaveLength(6);
    expect(out.spans.filter((s) => s.scope === "codepipeline-client")).toHaveLength(6);
  });

  it("a successful call: same name, kind, attributes and status", () => {
    const v3 = callSpan("v3", "list");
    const ours = callSpan("ours", "list");
    expect(ours.name).toBe("CodePipeline.ListPipelines");
    expect(ours.name).toBe(v3.name);
    expect(ours.kind).toBe(SPAN_KIND_CLIENT);
    expect(ours.kind).toBe(v3.kind);
    expect(v3.attributes).toEqual({
      "rpc.system": "aws-api",
      "rpc.method": "ListPipelines",
      "rpc.service": "CodePipeline",
      "cloud.region": "us-east-1",
      "aws.request.id": "req-ListPipelines-list-1",
      "http.response.status_code": 200,
    });
    expect(ours.attributes).toEqual({ ...v3.attributes, "aws.request.id": "req-ListPipelines-list-2" });
    expect(ours.status).toEqual({ code: STATUS_UNSET });
    expect(ours.status).toEqual(v3.status);
    expect(ours.events).toEqual([]);
  });

  it("a service error: ERROR status with the message and the exception recorded, as the official client", () => {
    const v3 = callSpan("v3", "missing");
    const ours = callSpan("ours", "missing");
    expect(ours.name).toBe("CodePipeline.GetPipeline");
    expect(ours.name).toBe(v3.name);
    expect(ours.kind).toBe(v3.kind);
    expect(v3.status).toEqual({ code: STATUS_ERROR, message: "The pipeline missing was not found" });
    expect(ours.status).toEqual(v3.status);
    const exception = (s: SpanJson) => s.events.find((e) => e.name === "exception")!.attributes!;
    expect(exception(ours)["exception.type"]).toBe("PipelineNotFoundException");
    expect(exception(ours)["exception.message"]).toBe(exception(v3)["exception.message"]);
    // every attribute the official client sets, with the same value
    for (const [k, v] of Object.entries(v3.attributes)) expect(ours.attributes[k], k).toEqual(v);
    // more than it gives: the request id (it reads a RequestId member errors do not have), the error's name and category
    expect(v3.attributes["aws.request.id"]).toBeUndefined();
    expect(ours.attributes).toEqual({
      ...v3.attributes,
      "aws.request.id": "req-GetPipeline-missing-2",
      "error.type": "PipelineNotFoundException",
      "aws.error.category": "client",
    });
  });

  it("a call retried after a 500 succeeds with the official client's attributes, plus the attempts as events", () => {
    const v3 = callSpan("v3", "flaky");
    const ours = callSpan("ours", "flaky");
    expect(ours.status).toEqual(v3.status);
    expect(v3.attributes["http.response.status_code"]).toBe(200);
    for (const [k, v] of Object.entries(v3.attributes)) if (k !== "aws.request.id") expect(ours.attributes[k], k).toEqual(v);
    expect(ours.attributes["aws.request.id"]).toBe("req-GetPipeline-flaky-ours-2");
    expect(ours.attributes["aws.attempts"]).toBe(2);
    expect(ours.attributes["aws.retry.total_delay_ms"]).toBeGreaterThanOrEqual(0);
    expect(ours.events.map((e) => e.name)).toEqual(["aws.attempt", "aws.attempt"]);
    const [first, second] = ours.events.map((e) => e.attributes!);
    expect(first).toMatchObject({
      "aws.attempt.number": 1,
      "http.response.status_code": 500,
      "error.type": "InternalFailure",
      // InternalFailure is one of the transient errors the official client retries too
      "aws.error.category": "transient",
    });
    expect(first!["aws.retry.delay_ms"]).toBeGreaterThanOrEqual(0);
    expect(second).toEqual({ "aws.attempt.number": 2, "http.response.status_code": 200 });
  });

  it("throttling and timeouts are told apart on the attempt events", () => {
    const throttled = callSpan("ours", "throttled").events[0]!.attributes!;
    expect(throttled).toMatchObject({ "error.type": "ThrottlingException", "aws.error.category": "throttling", "http.response.status_code": 400 });
    const slow = callSpan("ours", "slow").events[0]!.attributes!;
    expect(slow).toMatchObject({ "error.type": "TimeoutError", "aws.error.category": "timeout" });
    expect(slow["http.response.status_code"]).toBeUndefined();
    for (const scenario of ["throttled", "slow"]) {
      expect(callSpan("ours", scenario).status).toEqual(callSpan("v3", scenario).status);
      expect(callSpan("ours", scenario).attributes["aws.attempts"]).toBe(2);
    }
  });

  it("each attempt's HTTP span is a child of the call's span, as with the official client", () => {
    for (const scenario of ["list", "missing", "flaky"]) {
      const expected = scenario === "flaky" ? 2 : 1;
      expect(httpChildren(callSpan("v3", scenario)), `v3 ${scenario}`).toHaveLength(expected);
      expect(httpChildren(callSpan("ours", scenario)), `ours ${scenario}`).toHaveLength(expected);
      for (const child of httpChildren(callSpan("ours", scenario))) expect(child.traceId).toBe(callSpan("ours", scenario).traceId);
    }
  });

  it("a call outside any span starts a trace of its own, as with the official client", () => {
    const roots = out.spans.filter((s) => s.name === "CodePipeline.ListPipelines" && s.parentSpanId === undefined);
    expect(roots.map((s) => s.scope).sort()).toEqual(["@opentelemetry/instrumentation-aws-sdk", "codepipeline-client"]);
  });

  it("no secret reaches a span", () => {
    const text = JSON.stringify(out.spans.filter((s) => s.scope === "codepipeline-client"));
    expect(text).not.toContain(out.secret);
    expect(text).not.toContain(out.token);
    expect(text).not.toContain("AKIDEXAMPLE");
  });
});
