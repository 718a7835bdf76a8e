// The Lambda job handler's span, against the local CodePipeline endpoint: one invocation is one
// CONSUMER span `CodePipeline.Job` with the job id, as a job worker's job, from the handler's start
// to the reported result; the handler's calls and the report are its children. The job comes from
// the local endpoint's queue (PollForJobs), as the Lambda event would carry it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import {
  CodePipelineClient,
  GetJobDetailsCommand,
  GetPipelineStateCommand,
  JobFailedError,
  PollForJobsCommand,
  StartPipelineExecutionCommand,
  createLambdaJobHandler,
  type CodePipelineJobEvent,
} from "../../src/index.js";
import { tracing } from "../../src/otel/index.js";
import { createCustomActionPipeline } from "./pipeline.js";

const invoked = { category: "Build", owner: "Custom", provider: "LambdaInvoked", version: "1" } as const;
const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();
const lambdaContext = { getRemainingTimeInMillis: () => 60_000, awsRequestId: "lambda-req-1", functionName: "deployer" };
const SECRET = "artifactSecretAccessKeyValue0123456789";

let local: LocalCodePipeline;
let client: CodePipelineClient;

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  local = await startLocalCodePipeline({ actionDelayMs: 5 });
  client = tracing(new CodePipelineClient({ ...local.clientConfig, maxAttempts: 1 }), {
    tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  });
  await createCustomActionPipeline(client, local, "invoked", invoked);
});
afterAll(async () => {
  await local?.close();
  context.disable();
});
beforeEach(() => exporter.reset());

const spans = () => exporter.getFinishedSpans();
const childrenOf = (parent: ReadableSpan) => spans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
const jobSpans = () => spans().filter((s) => s.name === "CodePipeline.Job");
const SPAN_KIND_CONSUMER = 4;
const STATUS_ERROR = 2;

/** Starts an execution and returns the Lambda event of its job, taken from the queue as Lambda would get it. */
async function nextEvent(): Promise<CodePipelineJobEvent> {
  await client.send(new StartPipelineExecutionCommand({ name: "invoked" }));
  return queuedEvent();
}

/** The Lambda event of the next job in the queue. */
async function queuedEvent(): Promise<CodePipelineJobEvent> {
  for (let i = 0; i < 500; i++) {
    const { jobs } = await client.send(new PollForJobsCommand({ actionTypeId: invoked, maxBatchSize: 1 }));
    const job = jobs?.[0];
    if (job) {
      const data = { ...job.data, artifactCredentials: { accessKeyId: "ASIAARTIFACTKEY", secretAccessKey: SECRET, sessionToken: "artifact-session" } };
      return { "CodePipeline.job": { id: job.id!, accountId: job.accountId, data: data as CodePipelineJobEvent["CodePipeline.job"]["data"] } };
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("no job was queued");
}

const actionStatus = async () =>
  (await client.send(new GetPipelineStateCommand({ name: "invoked" }))).stageStates?.find((s) => s.stageName === "Build")?.actionStates?.[0]?.latestExecution?.status;

describe("createLambdaJobHandler's span", () => {
  it("an invocation: one CONSUMER span with the job id, the handler's calls and the reported result as its children", async () => {
    const event = await nextEvent();
    exporter.reset();
    const handler = createLambdaJobHandler(async (job) => {
      await client.send(new GetJobDetailsCommand({ jobId: job.id }));
      return { outputVariables: { built: "yes" } };
    }, { client });
    const outcome = await handler(event, lambdaContext);
    expect(outcome).toEqual({ jobId: event["CodePipeline.job"].id, outcome: "succeeded" });
    await expect.poll(actionStatus).toBe("Succeeded");

    const [job, ...more] = jobSpans();
    expect(more).toEqual([]);
    expect(job!.kind).toBe(SPAN_KIND_CONSUMER);
    expect(job!.parentSpanContext).toBeUndefined();
    expect(job!.attributes).toEqual({
      "aws.codepipeline.job.id": event["CodePipeline.job"].id,
      "aws.codepipeline.action_type": "Invoke/AWS/Lambda/1",
      "faas.invocation_id": "lambda-req-1",
      "aws.codepipeline.job.outcome": "success",
      "aws.codepipeline.job.reported": true,
    });
    expect(job!.status.code).not.toBe(STATUS_ERROR);
    expect(childrenOf(job!).map((s) => s.name)).toEqual(["CodePipeline.GetJobDetails", "CodePipeline.PutJobSuccessResult"]);
    // the span covers the report: it ends after its last child. The exporter receives spans in the
    // order they end; their end times are not comparable across spans to the millisecond, since each
    // span anchors its clock on Date.now() when it starts.
    const order = spans();
    expect(order.indexOf(job!)).toBeGreaterThan(Math.max(...childrenOf(job!).map((s) => order.indexOf(s))));
  });

  it("a continuation: the outcome says so", async () => {
    const event = await nextEvent();
    exporter.reset();
    const outcome = await createLambdaJobHandler(() => ({ continuationToken: "step-2" }), { client })(event, lambdaContext);
    expect(outcome.outcome).toBe("continued");
    expect(jobSpans()[0]!.attributes["aws.codepipeline.job.outcome"]).toBe("continuation");
    // the job comes back with the token, and is finished
    const again = await queuedEvent();
    expect(again["CodePipeline.job"].data.continuationToken).toBe("step-2");
    await createLambdaJobHandler(() => {}, { client })(again, lambdaContext);
    await expect.poll(actionStatus).toBe("Succeeded");
  });

  it("a failed job: the failure type and message, ERROR status, no secret in the span", async () => {
    const event = await nextEvent();
    exporter.reset();
    const handler = createLambdaJobHandler(() => {
      throw new JobFailedError(`deploy refused (${SECRET})`, { type: "ConfigurationError" });
    }, { client });
    const outcome = await handler(event, lambdaContext);
    expect(outcome.outcome).toBe("failed");
    await expect.poll(actionStatus).toBe("Failed");

    const [job] = jobSpans();
    expect(job!.attributes).toMatchObject({
      "aws.codepipeline.job.outcome": "failure",
      "aws.codepipeline.job.failure_type": "ConfigurationError",
      "aws.codepipeline.job.reported": true,
    });
    expect(job!.status.code).toBe(STATUS_ERROR);
    expect(job!.status.message).toContain("deploy refused");
    expect(childrenOf(job!).map((s) => s.name)).toEqual(["CodePipeline.PutJobFailureResult"]);
    expect(JSON.stringify(spans().map((s) => [s.attributes, s.status, s.events]))).not.toContain(SECRET);
  });

  it("a result the job no longer takes: reported false, ERROR saying it was not delivered", async () => {
    const event = await nextEvent();
    const handler = createLambdaJobHandler(() => {}, { client });
    await handler(event, lambdaContext);
    exporter.reset();
    // the same event again (Lambda retries an invocation that it thinks failed): the job is finished
    const outcome = await handler(event, lambdaContext);
    expect(outcome.undelivered?.reason).toBe("gone");

    const [job] = jobSpans();
    expect(job!.attributes).toMatchObject({
      "aws.codepipeline.job.id": event["CodePipeline.job"].id,
      "aws.codepipeline.job.outcome": "success",
      "aws.codepipeline.job.reported": false,
      "error.type": "JobResultUndeliveredError",
    });
    expect(job!.status.code).toBe(STATUS_ERROR);
    expect(job!.status.message).toMatch(/^The job's result was not delivered: .*no longer takes a result/);
    expect(childrenOf(job!).map((s) => [s.name, s.status.code])).toEqual([["CodePipeline.PutJobSuccessResult", STATUS_ERROR]]);
  });

  it("a result that could not be delivered at all: the invocation throws and the span records it", async () => {
    const event = await nextEvent();
    exporter.reset();
    // the service refuses the report with an error retrying cannot fix
    const refusing = tracing(new CodePipelineClient({ ...local.clientConfig, credentials: { accessKeyId: "AKIDUNKNOWN", secretAccessKey: "wrong" }, maxAttempts: 1 }), {
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    });
    const handler = createLambdaJobHandler(() => ({}), { client: refusing });
    await expect(handler(event, lambdaContext)).rejects.toMatchObject({ name: "JobResultUndeliveredError", reason: "rejected" });

    const [job] = jobSpans();
    expect(job!.attributes).toMatchObject({ "aws.codepipeline.job.outcome": "success", "aws.codepipeline.job.reported": false, "error.type": "JobResultUndeliveredError" });
    expect(job!.status.code).toBe(STATUS_ERROR);
    expect(job!.events.map((e) => e.name)).toContain("exception");
    await createLambdaJobHandler(() => {}, { client })(event, lambdaContext);
  });
});
