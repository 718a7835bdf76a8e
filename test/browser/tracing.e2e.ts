// Tracing in real browsers: a page bundled with esbuild registers OpenTelemetry's web tracer
// (`WebTracerProvider` from @opentelemetry/sdk-trace-web, spans to an in-memory exporter), traces the
// client with `tracing(client)` from codepipeline-client/otel (the package's browser build in dist/),
// and calls this test's API server cross-origin (every signature checked). Each browser must give the
// call span its name, kind and attributes, show a throttled first attempt and its retry on the span,
// and end a failed call's span with ERROR. And the bundle of a page that does not import /otel
// (the other browser test's page) holds no tracing code at all.
// Screenshots: test-output/browser/<browser>-tracing.png. BROWSERS=chromium,firefox picks some browsers.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUT, close, pageAndApi, servePage } from "./api-server.js";
import { runPage, selectedBrowsers } from "./drivers.js";

const browsers = selectedBrowsers();

const SPAN_KIND_CLIENT = 2;
const SPAN_KIND_INTERNAL = 0;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;
/** What the tracing code leaves in a minified bundle (middleware names, attribute and metric names, the API). */
const TRACING_CODE = /tracingMiddleware|tracingAttempt|opentelemetry|aws\.error\.category|rpc\.client\.duration|aws\.attempt/;

interface PlainSpan {
  name: string;
  kind: number;
  parent: string | null;
  spanId: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  events: { name: string; attributes: Record<string, unknown> }[];
}
type Check = { requestId?: string; error?: string; spans: PlainSpan[] };

const callAttributes = (method: string, requestId: string, status: number) => ({
  "rpc.system": "aws-api",
  "rpc.method": method,
  "rpc.service": "CodePipeline",
  "cloud.region": "us-east-1",
  "aws.request.id": requestId,
  "http.response.status_code": status,
});

describe("the /otel browser build with OpenTelemetry's web tracer, in a browser", () => {
  let env: Awaited<ReturnType<typeof pageAndApi>>;

  beforeAll(async () => {
    env = await pageAndApi(path.join(__dirname, "fixtures", "tracing-page.js"), "the client traced with OpenTelemetry's web tracer", () => []);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("the page's bundle carries the tracing code, from dist/browser-otel", () => {
    const code = [...env.files.values()].join("\n");
    expect(code).toContain("tracingMiddleware");
    expect(code).toContain("aws.error.category");
  });

  it.each(browsers)("%s: spans with the official names and attributes, a retry on the span, ERROR on failure", async (name) => {
    const seen = Object.assign(env.seen, { preflights: 0, signed: [], rejected: [] });
    const run = await runPage(name, env.pageUrl(), path.join(OUT, `${name}-tracing.png`));
    console.log(`${name}: ${run.version}`);
    expect(run.errors).toEqual([]);
    expect(run.title).toBe("done");
    const results = run.results as Record<string, Check>;

    // a call: one CLIENT span, v3's name and attributes
    const call = results["a call"]!;
    expect(call.requestId).toBe("list-req-1");
    expect(call.spans).toHaveLength(1);
    const [list] = call.spans;
    expect(list).toMatchObject({ name: "CodePipeline.ListPipelines", kind: SPAN_KIND_CLIENT, parent: null, status: { code: STATUS_UNSET }, events: [] });
    expect(list!.attributes).toEqual(callAttributes("ListPipelines", "list-req-1", 200));

    // a retried call: the throttled first attempt is an event with its status, error and the backoff waited
    const retried = results["a retried call"]!;
    expect(retried.requestId).toBe("flaky-req-2");
    expect(retried.spans).toHaveLength(1);
    const [flaky] = retried.spans;
    expect(flaky!.name).toBe("CodePipeline.GetPipeline");
    expect(flaky!.status.code).toBe(STATUS_UNSET);
    expect(flaky!.attributes).toMatchObject({ ...callAttributes("GetPipeline", "flaky-req-2", 200), "aws.attempts": 2 });
    // the backoff after a first throttling error: full jitter, 0 to 999 ms (0 included)
    const totalDelay = flaky!.attributes["aws.retry.total_delay_ms"] as number;
    expect(totalDelay).toBeGreaterThanOrEqual(0);
    expect(totalDelay).toBeLessThan(1000);
    const attempts = flaky!.events.filter((e) => e.name === "aws.attempt");
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.attributes).toMatchObject({
      "aws.attempt.number": 1,
      "http.response.status_code": 400,
      "error.type": "ThrottlingException",
      "aws.error.category": "throttling",
    });
    // measured from the end of the first attempt to the start of the second
    expect(attempts[0]!.attributes["aws.retry.delay_ms"]).toBeGreaterThanOrEqual(0);
    expect(attempts[1]!.attributes).toEqual({ "aws.attempt.number": 2, "http.response.status_code": 200 });

    // a failed call: ERROR with the message, the exception recorded, the request id kept
    const failed = results["a failed call"]!;
    expect(failed.error).toBe("PipelineNotFoundException");
    expect(failed.spans).toHaveLength(1);
    const [missing] = failed.spans;
    expect(missing!.name).toBe("CodePipeline.GetPipeline");
    expect(missing!.kind).toBe(SPAN_KIND_CLIENT);
    expect(missing!.status).toEqual({ code: STATUS_ERROR, message: "Pipeline missing does not exist" });
    expect(missing!.attributes).toMatchObject({
      ...callAttributes("GetPipeline", "err-req-1", 400),
      "error.type": "PipelineNotFoundException",
      "aws.error.category": "client",
    });
    expect(missing!.events.map((e) => e.name)).toContain("exception");
    expect(missing!.events.find((e) => e.name === "exception")!.attributes["exception.type"]).toBe("PipelineNotFoundException");

    // a call inside the page's own active span is its child
    const nested = results["a call inside the page's own span"]!;
    const [child, parent] = nested.spans;
    expect(parent).toMatchObject({ name: "page work", kind: SPAN_KIND_INTERNAL });
    expect(child).toMatchObject({ name: "CodePipeline.ListPipelines", parent: parent!.spanId });

    // every call reached the server signed (the retry too)
    expect(seen.rejected).toEqual([]);
    expect(seen.signed).toEqual([
      "CodePipeline_20150709.ListPipelines",
      "CodePipeline_20150709.GetPipeline",
      "CodePipeline_20150709.GetPipeline",
      "CodePipeline_20150709.GetPipeline",
      "CodePipeline_20150709.ListPipelines",
    ]);
    // no secret in a span
    expect(JSON.stringify(results)).not.toContain("browser-test-secret");
  });
});

describe("a page that does not import codepipeline-client/otel", () => {
  it("has no tracing code in its bundle (the other browser test's page, bundled from dist/)", async () => {
    const { files, server } = await servePage(path.join(__dirname, "fixtures", "page.js"), "", () => []);
    await close(server);
    const code = [...files.values()].join("\n");
    expect(code).toContain("ListPipelines");
    expect(code).not.toMatch(TRACING_CODE);
  });
});
