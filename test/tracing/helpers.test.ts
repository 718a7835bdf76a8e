// Spans of the workflow helpers, against the local CodePipeline endpoint: a job's handling from
// acknowledgement to reported result is one CONSUMER span with the job id, the calls it makes are
// its children (the handler's own calls too); the waiter and the watch each get an INTERNAL span
// over their checks. The client is traced with `tracing(client, { tracerProvider })`, so nothing
// global is registered.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import {
  CodePipelineClient,
  GetJobDetailsCommand,
  JobFailedError,
  StartPipelineExecutionCommand,
  createJobWorker,
  waitForPipelineExecutionComplete,
  watchPipelineExecution,
  type JobWorker,
} from "../../src/index.js";
import { tracing } from "../../src/otel/index.js";
import { createCustomActionPipeline } from "./pipeline.js";

const builder = { category: "Build", owner: "Custom", provider: "TracedBuilder", version: "1" } as const;
const fast = { minDelay: 0.02, maxDelay: 0.1, maxWaitTime: 30 };
const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();

let local: LocalCodePipeline;
let client: CodePipelineClient;
let worker: JobWorker;
let fail = false;

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  local = await startLocalCodePipeline({ actionDelayMs: 5 });
  client = tracing(new CodePipelineClient({ ...local.clientConfig, maxAttempts: 1 }), {
    tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  });
  await createCustomActionPipeline(client, local, "traced", builder);
  worker = createJobWorker({
    client,
    actionTypeId: builder,
    pollIntervalMs: 10,
    handler: async (job) => {
      // a call of the handler's own
      await client.send(new GetJobDetailsCommand({ jobId: job.id }));
      if (fail) throw new JobFailedError("compiler crashed", { type: "JobFailed" });
      return {};
    },
  });
});
afterAll(async () => {
  await worker?.stop();
  await local?.close();
  context.disable();
});
beforeEach(() => exporter.reset());

const spans = () => exporter.getFinishedSpans();
const childrenOf = (parent: ReadableSpan) => spans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_CONSUMER = 4;
const STATUS_ERROR = 2;

async function run(): Promise<string> {
  const { pipelineExecutionId } = await client.send(new StartPipelineExecutionCommand({ name: "traced" }));
  const result = await waitForPipelineExecutionComplete({ client, ...fast }, { pipelineName: "traced", pipelineExecutionId: pipelineExecutionId! });
  expect(result.state).toBe(fail ? "FAILURE" : "SUCCESS");
  // the job span ends once its result is reported, which may be just after the execution moved on
  await expect.poll(() => spans().filter((s) => s.name === "CodePipeline.Job").length).toBe(1);
  return pipelineExecutionId!;
}

describe("job worker spans", () => {
  it("a job: one CONSUMER span with the job id, acknowledge, the handler's calls and the result as its children", async () => {
    fail = false;
    await run();
    const [job] = spans().filter((s) => s.name === "CodePipeline.Job");
    expect(job!.kind).toBe(SPAN_KIND_CONSUMER);
    expect(job!.attributes).toMatchObject({
      "aws.codepipeline.action_type": "Build/Custom/TracedBuilder/1",
      "aws.codepipeline.job.outcome": "success",
      "aws.codepipeline.job.reported": true,
    });
    expect(job!.attributes["aws.codepipeline.job.id"]).toMatch(/\S/);
    expect(job!.status.code).not.toBe(STATUS_ERROR);
    expect(childrenOf(job!).map((s) => s.name)).toEqual(["CodePipeline.AcknowledgeJob", "CodePipeline.GetJobDetails", "CodePipeline.PutJobSuccessResult"]);
    // polling is not part of a job
    expect(spans().some((s) => s.name === "CodePipeline.PollForJobs" && s.parentSpanContext === undefined)).toBe(true);
  });

  it("a failed job: the failure type and message, ERROR status", async () => {
    fail = true;
    await run();
    fail = false;
    const [job] = spans().filter((s) => s.name === "CodePipeline.Job");
    expect(job!.attributes).toMatchObject({ "aws.codepipeline.job.outcome": "failure", "aws.codepipeline.job.failure_type": "JobFailed" });
    expect(job!.status).toEqual({ code: STATUS_ERROR, message: "compiler crashed" });
    expect(childrenOf(job!).map((s) => s.name)).toContain("CodePipeline.PutJobFailureResult");
  });
});

describe("waiter and watch spans", () => {
  it("the waiter: an INTERNAL span over its checks, with the pipeline, the execution and the final state", async () => {
    fail = false;
    const id = await run();
    const [wait] = spans().filter((s) => s.name === "CodePipeline.waitForPipelineExecutionComplete");
    expect(wait!.kind).toBe(SPAN_KIND_INTERNAL);
    expect(wait!.attributes).toMatchObject({
      "aws.codepipeline.pipeline.name": "traced",
      "aws.codepipeline.pipeline.execution_id": id,
      "aws.codepipeline.waiter.state": "SUCCESS",
      "aws.codepipeline.pipeline.execution_status": "Succeeded",
    });
    const checks = childrenOf(wait!);
    expect(checks.length).toBeGreaterThan(0);
    expect(new Set(checks.map((s) => s.name))).toEqual(new Set(["CodePipeline.GetPipelineExecution"]));
  });

  it("a failed execution ends the waiter's span with ERROR and the reason", async () => {
    fail = true;
    await run();
    fail = false;
    const [wait] = spans().filter((s) => s.name === "CodePipeline.waitForPipelineExecutionComplete");
    expect(wait!.attributes["aws.codepipeline.waiter.state"]).toBe("FAILURE");
    expect(wait!.status.code).toBe(STATUS_ERROR);
    expect(wait!.status.message).toContain("Compile");
  });

  it("the watch: an INTERNAL span, each event a span event, the checks its children", async () => {
    fail = false;
    const { pipelineExecutionId } = await client.send(new StartPipelineExecutionCommand({ name: "traced" }));
    const events: string[] = [];
    for await (const e of watchPipelineExecution({ client, ...fast }, { pipelineName: "traced", pipelineExecutionId: pipelineExecutionId! })) events.push(e.type);
    expect(events.at(-1)).toBe("result");
    const [watch] = spans().filter((s) => s.name === "CodePipeline.watchPipelineExecution");
    expect(watch!.kind).toBe(SPAN_KIND_INTERNAL);
    expect(watch!.attributes["aws.codepipeline.waiter.state"]).toBe("SUCCESS");
    expect(watch!.events.map((e) => e.name.replace("aws.codepipeline.", ""))).toEqual(events.slice(0, -1));
    expect(watch!.events.find((e) => e.name === "aws.codepipeline.stage")?.attributes?.["aws.codepipeline.stageName"]).toBeDefined();
    expect(childrenOf(watch!).length).toBeGreaterThan(0);
    expect(childrenOf(watch!).every((s) => s.name.startsWith("CodePipeline."))).toBe(true);
  });

  it("a watch left early ends its span", async () => {
    const { pipelineExecutionId } = await client.send(new StartPipelineExecutionCommand({ name: "traced" }));
    for await (const _ of watchPipelineExecution({ client, ...fast }, { pipelineName: "traced", pipelineExecutionId: pipelineExecutionId! })) break;
    const [watch] = spans().filter((s) => s.name === "CodePipeline.watchPipelineExecution");
    expect(watch).toBeDefined();
    expect(watch!.attributes["aws.codepipeline.waiter.state"]).toBeUndefined();
  });
});
