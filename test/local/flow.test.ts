/**
 * Whole executions on the local endpoint, driven the way users drive them: a job worker for the
 * custom action, a manual approval, live progress, and the execution modes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../src/index.js";
import type { PipelineDeclaration } from "../../models/index.js";
import type { LocalCodePipeline } from "../../src/local/index.js";
import { BUILD_TYPE, ROLE, customBuildType, pipeline, setup, until, waitForStatus } from "./fixtures.js";

let local: LocalCodePipeline;
let client: C.CodePipelineClient;

beforeAll(async () => {
  ({ local, client } = await setup());
  await client.send(new C.CreateCustomActionTypeCommand(customBuildType));
  await client.send(new C.CreateCustomActionTypeCommand({ ...customBuildType, category: "Source", inputArtifactDetails: { minimumCount: 0, maximumCount: 0 } }));
});
afterAll(async () => {
  client?.destroy();
  await local?.close();
});

const CUSTOM_SOURCE = { ...BUILD_TYPE, category: "Source" } as const;

/** Custom source (held until its job is answered) -> Deploy. */
const heldSource = (name: string, extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration => ({
  name,
  roleArn: ROLE,
  artifactStore: { type: "S3", location: "local-artifacts" },
  stages: [
    { name: "Source", actions: [{ name: "Fetch", actionTypeId: CUSTOM_SOURCE, configuration: { ProjectName: name }, outputArtifacts: [{ name: "Src" }] }] },
    {
      name: "Deploy",
      actions: [
        { name: "Publish", actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" }, configuration: { BucketName: "b", Extract: "true" }, inputArtifacts: [{ name: "Src" }] },
      ],
    },
  ],
  ...extra,
});

/** Answers the next source job of pipeline `name` with `revision`. */
async function answerSource(name: string, revision: string): Promise<void> {
  const job = await until(async () => (await client.send(new C.PollForJobsCommand({ actionTypeId: CUSTOM_SOURCE, queryParam: { ProjectName: name } }))).jobs?.[0], `a source job of ${name}`);
  await client.send(new C.PutJobSuccessResultCommand({ jobId: job.id, currentRevision: { revision, changeIdentifier: revision } }));
}

describe("a full execution", () => {
  it("runs source, a custom build through createJobWorker, a manual approval and a deploy", async () => {
    await client.send(new C.CreatePipelineCommand({ pipeline: pipeline("full") }));
    const seen: string[] = [];
    const worker = C.createJobWorker({
      client,
      actionTypeId: BUILD_TYPE,
      pollIntervalMs: 5,
      queryParam: { ProjectName: "app" },
      handler: async (job) => {
        seen.push(job.continuationToken ?? "first");
        if (!job.continuationToken) return { continuationToken: "part-2", executionDetails: { summary: "half", percentComplete: 50 } };
        return { outputVariables: { Version: "blue" }, executionDetails: { summary: "built", percentComplete: 100 } };
      },
    });
    try {
      const { pipelineExecutionId } = await client.send(new C.StartPipelineExecutionCommand({ name: "full" }));
      const events: string[] = [];
      let result: C.PipelineExecutionEvent | undefined;
      for await (const event of C.watchPipelineExecution({ client, minDelay: 0.01, maxDelay: 0.05, maxWaitTime: 20 }, { pipelineName: "full", pipelineExecutionId: pipelineExecutionId! })) {
        if (event.type === "stage") events.push(`${event.stageName}:${event.status}`);
        if (event.type === "approval") {
          events.push(`approval:${event.actionName}`);
          await C.approvePendingApproval({ client }, { pipelineName: "full", stageName: event.stageName, actionName: event.actionName, token: event.token, summary: "go" });
        }
        if (event.type === "result") result = event;
      }
      expect(result).toMatchObject({ type: "result", state: "SUCCESS", status: "Succeeded" });
      expect(events).toEqual([
        "Source:InProgress",
        "Source:Succeeded",
        "Build:InProgress",
        "Build:Succeeded",
        "Approve:InProgress",
        "approval:Review",
        "Approve:Succeeded",
        "Deploy:InProgress",
        "Deploy:Succeeded",
      ].filter((e) => events.includes(e)));
      expect(events).toEqual(expect.arrayContaining(["Build:Succeeded", "approval:Review", "Deploy:Succeeded"]));
      expect(seen).toEqual(["first", "part-2"]);
      const runs = await client.send(new C.ListActionExecutionsCommand({ pipelineName: "full", filter: { pipelineExecutionId } }));
      expect(runs.actionExecutionDetails?.map((r) => `${r.stageName}/${r.actionName}:${r.status}`)).toEqual([
        "Deploy/Publish:Succeeded",
        "Approve/Review:Succeeded",
        "Build/Compile:Succeeded",
        "Source/Checkout:Succeeded",
      ]);
      expect(runs.actionExecutionDetails?.[0]?.input?.resolvedConfiguration?.BucketName).toBe("site-blue");
      expect(runs.actionExecutionDetails?.[2]?.output?.outputVariables).toEqual({ Version: "blue" });
    } finally {
      await worker.stop({ timeoutMs: 0 });
    }
  });

  it("a third-party action runs through createThirdPartyJobWorker", async () => {
    const github = { category: "Source", owner: "ThirdParty", provider: "GitHub", version: "1" } as const;
    const decl = heldSource("partner-flow");
    decl.stages![0]!.actions![0] = {
      name: "Fetch",
      actionTypeId: github,
      configuration: { Owner: "o", Repo: "r", Branch: "main", OAuthToken: "t" },
      outputArtifacts: [{ name: "Src" }],
    };
    await client.send(new C.CreatePipelineCommand({ pipeline: decl }));
    const worker = C.createThirdPartyJobWorker({
      client,
      actionTypeId: github,
      pollIntervalMs: 5,
      handler: async () => ({ currentRevision: { revision: "feedbeef", changeIdentifier: "feedbeef", revisionSummary: "from the partner" } }),
    });
    try {
      const { pipelineExecutionId } = await client.send(new C.StartPipelineExecutionCommand({ name: "partner-flow" }));
      const done = await waitForStatus(client, "partner-flow", pipelineExecutionId!, "Succeeded");
      expect(done.artifactRevisions?.[0]).toMatchObject({ revisionId: "feedbeef", revisionSummary: "from the partner" });
    } finally {
      await worker.stop({ timeoutMs: 0 });
    }
  });
});

describe("execution modes", () => {
  it("SUPERSEDED: a newer execution replaces one waiting at the same stage entry", async () => {
    await client.send(new C.CreatePipelineCommand({ pipeline: heldSource("superseded") }));
    const start = async () => (await client.send(new C.StartPipelineExecutionCommand({ name: "superseded" }))).pipelineExecutionId!;
    const a = await start();
    const b = await start();
    expect((await client.send(new C.GetPipelineStateCommand({ name: "superseded" }))).stageStates?.[0]?.inboundExecution?.pipelineExecutionId).toBe(b);
    const c = await start();
    await waitForStatus(client, "superseded", b, "Superseded");
    await answerSource("superseded", "rev-a");
    await waitForStatus(client, "superseded", a, "Succeeded");
    await answerSource("superseded", "rev-c");
    await waitForStatus(client, "superseded", c, "Succeeded");
    const list = await client.send(new C.ListPipelineExecutionsCommand({ pipelineName: "superseded" }));
    expect(list.pipelineExecutionSummaries?.map((e) => [e.pipelineExecutionId, e.status])).toEqual([
      [c, "Succeeded"],
      [b, "Superseded"],
      [a, "Succeeded"],
    ]);
  });

  it("QUEUED: executions wait their turn and all run, in order", async () => {
    await client.send(new C.CreatePipelineCommand({ pipeline: heldSource("queued", { pipelineType: "V2", executionMode: "QUEUED" }) }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await client.send(new C.StartPipelineExecutionCommand({ name: "queued" }))).pipelineExecutionId!);
    const state = await client.send(new C.GetPipelineStateCommand({ name: "queued" }));
    expect(state.stageStates?.[0]?.inboundExecutions?.map((e) => e.pipelineExecutionId)).toEqual([ids[1], ids[2]]);
    for (const [i, id] of ids.entries()) {
      await answerSource("queued", `rev-${i}`);
      const done = await waitForStatus(client, "queued", id, "Succeeded");
      expect(done.artifactRevisions?.[0]?.revisionId).toBe(`rev-${i}`);
    }
  });

  it("PARALLEL: executions do not wait for each other", async () => {
    await client.send(new C.CreatePipelineCommand({ pipeline: heldSource("parallel", { pipelineType: "V2", executionMode: "PARALLEL" }) }));
    const a = (await client.send(new C.StartPipelineExecutionCommand({ name: "parallel" }))).pipelineExecutionId!;
    const b = (await client.send(new C.StartPipelineExecutionCommand({ name: "parallel" }))).pipelineExecutionId!;
    const jobs = await until(async () => {
      const r = await client.send(new C.PollForJobsCommand({ actionTypeId: CUSTOM_SOURCE, maxBatchSize: 5, queryParam: { ProjectName: "parallel" } }));
      return r.jobs?.length === 2 ? r.jobs : undefined;
    }, "both source jobs");
    expect(jobs.map((j) => j.data?.pipelineContext?.pipelineExecutionId).sort()).toEqual([a, b].sort());
    for (const j of jobs) await client.send(new C.PutJobSuccessResultCommand({ jobId: j.id }));
    await waitForStatus(client, "parallel", a, "Succeeded");
    await waitForStatus(client, "parallel", b, "Succeeded");
  });

  it("a V1 pipeline cannot use QUEUED mode", async () => {
    const e = await client.send(new C.CreatePipelineCommand({ pipeline: heldSource("v1-queued", { executionMode: "QUEUED" }) })).catch((x) => x);
    expect(e).toBeInstanceOf(C.InvalidStructureException);
  });
});

describe("failures", () => {
  it("onFailure RETRY retries a failed stage once by itself", async () => {
    const decl = heldSource("auto-retry", { pipelineType: "V2" });
    decl.stages![1]!.onFailure = { result: "RETRY", retryConfiguration: { retryMode: "FAILED_ACTIONS" } };
    await client.send(new C.CreatePipelineCommand({ pipeline: decl }));
    local.failAction({ pipelineName: "auto-retry", stageName: "Deploy", name: "Publish" });
    const { pipelineExecutionId } = await client.send(new C.StartPipelineExecutionCommand({ name: "auto-retry" }));
    await answerSource("auto-retry", "r1");
    await waitForStatus(client, "auto-retry", pipelineExecutionId!, "Succeeded");
    const state = await client.send(new C.GetPipelineStateCommand({ name: "auto-retry" }));
    expect(state.stageStates?.[1]?.retryStageMetadata).toEqual({ autoStageRetryAttempt: 1, latestRetryTrigger: "AutomatedStageRetry" });
    const runs = await client.send(new C.ListActionExecutionsCommand({ pipelineName: "auto-retry", filter: { pipelineExecutionId } }));
    expect(runs.actionExecutionDetails?.filter((r) => r.actionName === "Publish").map((r) => r.status)).toEqual(["Succeeded", "Failed"]);
  });

  it("failAction with times fails several runs, then runs succeed again", async () => {
    await client.send(new C.CreatePipelineCommand({ pipeline: heldSource("fails-twice") }));
    local.failAction({ name: "Publish", pipelineName: "fails-twice", times: 2, code: "ConfigurationError", message: "bad bucket" });
    const run = async () => {
      const { pipelineExecutionId } = await client.send(new C.StartPipelineExecutionCommand({ name: "fails-twice" }));
      await answerSource("fails-twice", "r");
      return until(async () => {
        const e = (await client.send(new C.GetPipelineExecutionCommand({ pipelineName: "fails-twice", pipelineExecutionId }))).pipelineExecution;
        return e?.status === "InProgress" ? undefined : e?.status;
      }, "the execution to end");
    };
    expect([await run(), await run(), await run()]).toEqual(["Failed", "Failed", "Succeeded"]);
    const state = await client.send(new C.GetPipelineStateCommand({ name: "fails-twice" }));
    expect(state.stageStates?.[1]?.latestExecution?.status).toBe("Succeeded");
    const failed = await client.send(new C.ListActionExecutionsCommand({ pipelineName: "fails-twice" }));
    expect(failed.actionExecutionDetails?.find((r) => r.status === "Failed")?.output?.executionResult?.errorDetails).toEqual({ code: "ConfigurationError", message: "bad bucket" });
  });

  it("deleting a pipeline drops its pending jobs", async () => {
    await client.send(new C.CreatePipelineCommand({ pipeline: heldSource("deleted-mid-run") }));
    await client.send(new C.StartPipelineExecutionCommand({ name: "deleted-mid-run" }));
    const job = await until(
      async () => (await client.send(new C.PollForJobsCommand({ actionTypeId: CUSTOM_SOURCE, queryParam: { ProjectName: "deleted-mid-run" } }))).jobs?.[0],
      "the source job",
    );
    await client.send(new C.DeletePipelineCommand({ name: "deleted-mid-run" }));
    const e = await client.send(new C.GetJobDetailsCommand({ jobId: job.id })).catch((x) => x);
    expect(e).toBeInstanceOf(C.JobNotFoundException);
  });
});
