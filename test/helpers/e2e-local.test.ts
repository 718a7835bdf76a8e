/**
 * The workflow helpers end to end against the local CodePipeline endpoint
 * (real HTTP on 127.0.0.1, real signing): a custom action's job worker with a
 * continuation token, the approval helpers, the watcher and the waiters.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import {
  ApprovalTokenOutdatedError,
  CodePipelineClient,
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  JobFailedError,
  ListActionExecutionsCommand,
  StartPipelineExecutionCommand,
  WaiterError,
  approvePendingApproval,
  createJobWorker,
  listPendingApprovals,
  startPipelineExecutionAndWait,
  waitUntilPipelineExecutionComplete,
  watchPipelineExecution,
  type JobWorker,
  type PipelineExecutionEvent,
} from "../../src/index.js";
import { customActionType, pipeline } from "../fixtures/pipeline.mjs";

const builder = { category: "Build", owner: "Custom", provider: "E2EBuilder", version: "1" } as const;
const fast = { minDelay: 0.02, maxDelay: 0.1, maxWaitTime: 30 };

let local: LocalCodePipeline;
let client: CodePipelineClient;
let worker: JobWorker;
/** What the worker's handler does with the next job that has no continuation token. */
let mode: "succeed" | "fail" = "succeed";
const handled: { project: string; continuationToken?: string; hasCredentials: boolean }[] = [];

beforeAll(async () => {
  local = await startLocalCodePipeline({ actionDelayMs: 5 });
  client = new CodePipelineClient({ ...local.clientConfig, maxAttempts: 1 });
  await client.send(new CreateCustomActionTypeCommand(customActionType(builder)));
  await client.send(new CreatePipelineCommand({ pipeline: pipeline("e2e", { roleArn: `arn:aws:iam::${local.accountId}:role/pipeline` }, builder) }));
  worker = createJobWorker({
    client,
    actionTypeId: builder,
    pollIntervalMs: 10,
    concurrency: 2,
    handler: (job) => {
      handled.push({ project: job.configuration.ProjectName!, continuationToken: job.continuationToken, hasCredentials: !!job.artifactCredentials?.secretAccessKey });
      if (!job.continuationToken) {
        if (mode === "fail") throw new JobFailedError("compiler crashed", { type: "JobFailed" });
        return { continuationToken: "half-way", executionDetails: { summary: "compiling", percentComplete: 50 } };
      }
      return { executionDetails: { summary: "compiled", percentComplete: 100 }, outputVariables: { Version: "1.0.1" } };
    },
  });
});

afterAll(async () => {
  await worker?.stop({ timeoutMs: 0 });
  client?.destroy();
  await local?.close();
});

describe("workflow helpers against the local endpoint", () => {
  it("runs a pipeline through a custom job (with a continuation) and a manual approval", async () => {
    const { pipelineExecutionId } = await client.send(new StartPipelineExecutionCommand({ name: "e2e" }));
    if (!pipelineExecutionId) throw new Error("no execution id");
    const waiting = waitUntilPipelineExecutionComplete({ client, ...fast }, { pipelineName: "e2e", pipelineExecutionId });

    // Follow the execution until its approval waits, then approve it by name.
    const events: PipelineExecutionEvent[] = [];
    for await (const event of watchPipelineExecution({ client, ...fast }, { pipelineName: "e2e", pipelineExecutionId })) {
      events.push(event);
      if (event.type === "approval") {
        const pending = await listPendingApprovals({ client }, { pipelineName: "e2e" });
        expect(pending).toEqual([expect.objectContaining({ stageName: "Approve", actionName: "Review", token: event.token, pipelineExecutionId })]);
        // a caller who means another execution is stopped before anything is sent
        await expect(
          approvePendingApproval({ client }, { pipelineName: "e2e", stageName: "Approve", actionName: "Review", pipelineExecutionId: "00000000-0000-4000-8000-000000000000" }),
        ).rejects.toBeInstanceOf(ApprovalTokenOutdatedError);
        const outcome = await approvePendingApproval({ client }, { pipelineName: "e2e", stageName: "Approve", actionName: "Review", summary: "ship it", pipelineExecutionId });
        expect(outcome).toMatchObject({ status: "Approved", token: event.token, pipelineExecutionId });
        // the token just used is now outdated
        await expect(
          approvePendingApproval({ client }, { pipelineName: "e2e", stageName: "Approve", actionName: "Review", token: event.token }),
        ).rejects.toBeInstanceOf(ApprovalTokenOutdatedError);
      }
    }

    const result = await waiting;
    expect(result).toMatchObject({ state: "SUCCESS", status: "Succeeded", execution: { pipelineExecutionId } });
    expect(handled.slice(0, 2)).toEqual([
      { project: "app", continuationToken: undefined, hasCredentials: true },
      { project: "app", continuationToken: "half-way", hasCredentials: true },
    ]);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("execution");
    expect(types).toContain("approval");
    expect(events.at(-1)).toMatchObject({ type: "result", state: "SUCCESS" });
    expect(events).toContainEqual(expect.objectContaining({ type: "action", stageName: "Build", actionName: "Compile", status: "Succeeded" }));

    const runs = (await client.send(new ListActionExecutionsCommand({ pipelineName: "e2e", filter: { pipelineExecutionId } }))).actionExecutionDetails!;
    const compile = runs.find((r) => r.actionName === "Compile")!;
    expect(compile.output?.outputVariables).toEqual({ Version: "1.0.1" });
  });

  it("reports a failing job, and the waiter names the failed stage and action", async () => {
    mode = "fail";
    const error = await startPipelineExecutionAndWait({ client, ...fast }, { name: "e2e" }).catch((e) => e);
    expect(error).toBeInstanceOf(WaiterError);
    expect(error.result).toMatchObject({ state: "FAILURE", status: "Failed", failure: { stageName: "Build", actionName: "Compile" } });
    expect(error.message).toContain('Failed in stage "Build", action "Compile"');
    expect(error.message).toContain("compiler crashed");
  });
});
