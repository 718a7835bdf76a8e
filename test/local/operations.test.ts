/**
 * The SDK end to end against the local endpoint, for every one of the 44 operations: a success
 * and the service's errors for the cases that matter, as typed exceptions. The endpoint checks
 * each of its responses against the model (`validateResponses`), so a response that breaks the
 * model fails the call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../src/index.js";
import { operations } from "../../src/generated/shapes.js";
import type { PipelineDeclaration } from "../../models/index.js";
import { type LocalCodePipeline } from "../../src/local/index.js";
import { BUILD_TYPE, ROLE, approvalToken, customBuildType, nextJob, pipeline, rejection, setup, until, waitForStatus } from "./fixtures.js";

let local: LocalCodePipeline;
let client: C.CodePipelineClient;
/** Operations the endpoints answered with 200. */
const answered = new Set<string>();
const log = (line: string) => void (line.endsWith(" 200") && answered.add(line.split(" ")[0]!));

beforeAll(async () => {
  ({ local, client } = await setup({ log }));
  await client.send(new C.CreateCustomActionTypeCommand({ ...customBuildType, tags: [{ key: "team", value: "build" }] }));
});

afterAll(async () => {
  client?.destroy();
  await local?.close();
});

const send = <I extends object, O extends C.__MetadataBearer>(command: C.Command<I, O>) => client.send(command);

const SOURCE_S3 = { category: "Source", owner: "AWS", provider: "S3", version: "1" } as const;
const GITHUB = { category: "Source", owner: "ThirdParty", provider: "GitHub", version: "1" } as const;

/** Source -> Deploy, all AWS-owned: runs by itself. */
const simple = (name: string, extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration => ({
  name,
  roleArn: ROLE,
  artifactStore: { type: "S3", location: "local-artifacts" },
  stages: [
    { name: "Source", actions: [{ name: "Checkout", actionTypeId: SOURCE_S3, configuration: { S3Bucket: "b", S3ObjectKey: "k.zip" }, outputArtifacts: [{ name: "Src" }] }] },
    {
      name: "Deploy",
      actions: [
        {
          name: "Publish",
          actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
          configuration: { BucketName: "site", Extract: "true" },
          inputArtifacts: [{ name: "Src" }],
        },
      ],
    },
  ],
  ...extra,
});

async function runToEnd(name: string, status = "Succeeded"): Promise<string> {
  const { pipelineExecutionId } = await send(new C.StartPipelineExecutionCommand({ name }));
  await waitForStatus(client, name, pipelineExecutionId!, status);
  return pipelineExecutionId!;
}

describe("action types", () => {
  it("CreateCustomActionType creates a type once", async () => {
    const out = await send(
      new C.CreateCustomActionTypeCommand({
        category: "Test",
        provider: "Checker",
        version: "1",
        inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        configurationProperties: [{ name: "Suite", required: true, key: true, secret: false }],
      }),
    );
    expect(out.actionType?.id).toEqual({ category: "Test", owner: "Custom", provider: "Checker", version: "1" });
    expect(out.actionType?.actionConfigurationProperties?.[0]?.name).toBe("Suite");
    const again = await rejection(send(new C.CreateCustomActionTypeCommand({ ...customBuildType })), C.ValidationException);
    expect(again.message).toContain("already exists");
  });

  it("ListActionTypes lists built-in and custom types, filtered by owner", async () => {
    const custom = await send(new C.ListActionTypesCommand({ actionOwnerFilter: "Custom" }));
    expect(custom.actionTypes.map((t) => t.id.provider)).toContain("LocalBuilder");
    expect(custom.actionTypes.every((t) => t.id.owner === "Custom")).toBe(true);
    const all = await send(new C.ListActionTypesCommand({}));
    expect(all.actionTypes.some((t) => t.id.owner === "AWS" && t.id.provider === "CodeBuild")).toBe(true);
    await rejection(send(new C.ListActionTypesCommand({ nextToken: "bogus" })), C.InvalidNextTokenException);
  });

  it("GetActionType and UpdateActionType work on AWS and third-party types", async () => {
    const s3 = await send(new C.GetActionTypeCommand(SOURCE_S3));
    expect(s3.actionType?.id).toEqual(SOURCE_S3);
    expect(s3.actionType?.properties?.find((p) => p.name === "S3Bucket")?.optional).toBe(false);
    await rejection(send(new C.GetActionTypeCommand({ ...SOURCE_S3, provider: "Nope" })), C.ActionTypeNotFoundException);

    const gh = (await send(new C.GetActionTypeCommand(GITHUB))).actionType!;
    await send(new C.UpdateActionTypeCommand({ actionType: { ...gh, description: "GitHub, updated" } }));
    expect((await send(new C.GetActionTypeCommand(GITHUB))).actionType?.description).toBe("GitHub, updated");
    await rejection(send(new C.UpdateActionTypeCommand({ actionType: { ...s3.actionType!, description: "x" } })), C.RequestFailedException);
    await rejection(
      send(new C.UpdateActionTypeCommand({ actionType: { ...gh, id: { ...GITHUB, provider: "Missing" } } })),
      C.ActionTypeNotFoundException,
    );
  });

  it("DeleteCustomActionType retires the type and its version", async () => {
    const id = { category: "Deploy", provider: "Retired", version: "1" } as const;
    await send(
      new C.CreateCustomActionTypeCommand({
        ...id,
        inputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
        outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      }),
    );
    await send(new C.DeleteCustomActionTypeCommand(id));
    await rejection(send(new C.PollForJobsCommand({ actionTypeId: { ...id, owner: "Custom" } })), C.ActionTypeNotFoundException);
    const listed = await send(new C.ListActionTypesCommand({ actionOwnerFilter: "Custom" }));
    expect(listed.actionTypes.some((t) => t.id.provider === "Retired")).toBe(false);
    const recreate = await rejection(
      send(new C.CreateCustomActionTypeCommand({ ...id, inputArtifactDetails: { minimumCount: 0, maximumCount: 0 }, outputArtifactDetails: { minimumCount: 0, maximumCount: 0 } })),
      C.ValidationException,
    );
    expect(recreate.message).toContain("never used");
  });

  it("ListRuleTypes lists the rule types for stage conditions", async () => {
    const out = await send(new C.ListRuleTypesCommand({ ruleOwnerFilter: "AWS" }));
    expect(out.ruleTypes.map((r) => r.id.provider)).toEqual(expect.arrayContaining(["DeploymentWindow", "LambdaInvoke", "CloudWatchAlarm"]));
  });
});

describe("pipelines", () => {
  it("CreatePipeline fills defaults and checks the structure", async () => {
    const out = await send(new C.CreatePipelineCommand({ pipeline: pipeline("create-me"), tags: [{ key: "env", value: "test" }] }));
    expect(out.pipeline).toMatchObject({ name: "create-me", version: 1, pipelineType: "V1", executionMode: "SUPERSEDED" });
    expect(out.pipeline?.stages?.[2]?.actions?.[0]).toMatchObject({ runOrder: 1, inputArtifacts: [], outputArtifacts: [] });
    expect(out.tags).toEqual([{ key: "env", value: "test" }]);

    await rejection(send(new C.CreatePipelineCommand({ pipeline: pipeline("create-me") })), C.PipelineNameInUseException);
    const one = pipeline("x1");
    one.stages = one.stages!.slice(0, 1);
    expect((await rejection(send(new C.CreatePipelineCommand({ pipeline: one })), C.InvalidStructureException)).message).toContain("at least 2 stages");
    const badType = pipeline("x2");
    badType.stages![1]!.actions![0]!.actionTypeId = { ...BUILD_TYPE, provider: "Unknown" };
    expect((await rejection(send(new C.CreatePipelineCommand({ pipeline: badType })), C.InvalidActionDeclarationException)).message).toContain("is not available");
    const dupStage = pipeline("x3");
    dupStage.stages![2]!.name = "Build";
    await rejection(send(new C.CreatePipelineCommand({ pipeline: dupStage })), C.InvalidStageDeclarationException);
    const blockers = pipeline("x4");
    blockers.stages![1]!.blockers = [
      { name: "b", type: "Schedule" },
      { name: "b", type: "Schedule" },
    ];
    await rejection(send(new C.CreatePipelineCommand({ pipeline: blockers })), C.InvalidBlockerDeclarationException);
    const orphan = pipeline("x5");
    orphan.stages![3]!.actions![0]!.inputArtifacts = [{ name: "Nowhere" }];
    expect((await rejection(send(new C.CreatePipelineCommand({ pipeline: orphan })), C.InvalidStructureException)).message).toContain("Nowhere");
    const missingConfig = pipeline("x6");
    missingConfig.stages![1]!.actions![0]!.configuration = {};
    expect((await rejection(send(new C.CreatePipelineCommand({ pipeline: missingConfig })), C.InvalidActionDeclarationException)).message).toContain(
      "ProjectName",
    );
    const tooManyTags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: "v" }));
    await rejection(send(new C.CreatePipelineCommand({ pipeline: pipeline("x7"), tags: tooManyTags })), C.TooManyTagsException);
    await rejection(send(new C.CreatePipelineCommand({ pipeline: pipeline("x8"), tags: [{ key: "aws:owner", value: "me" }] })), C.InvalidTagsException);
    await rejection(send(new C.GetPipelineCommand({ name: "x7" })), C.PipelineNotFoundException);
  });

  it("GetPipeline, UpdatePipeline and versions", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: simple("versioned") }));
    const v1 = await send(new C.GetPipelineCommand({ name: "versioned" }));
    expect(v1.metadata?.pipelineArn).toBe(`arn:aws:codepipeline:us-east-1:000000000000:versioned`);
    expect(v1.metadata?.created).toBeInstanceOf(Date);
    const next = { ...v1.pipeline!, stages: v1.pipeline!.stages!.map((s) => ({ ...s, name: s.name === "Deploy" ? "Release" : s.name })) };
    const updated = await send(new C.UpdatePipelineCommand({ pipeline: next }));
    expect(updated.pipeline?.version).toBe(2);
    const now = await send(new C.GetPipelineCommand({ name: "versioned" }));
    expect(now.pipeline?.stages?.map((s) => s.name)).toEqual(["Source", "Release"]);
    expect(now.metadata!.updated!.getTime()).toBeGreaterThanOrEqual(now.metadata!.created!.getTime());
    const old = await send(new C.GetPipelineCommand({ name: "versioned", version: 1 }));
    expect(old.pipeline?.stages?.map((s) => s.name)).toEqual(["Source", "Deploy"]);
    await rejection(send(new C.GetPipelineCommand({ name: "versioned", version: 3 })), C.PipelineVersionNotFoundException);
    await rejection(send(new C.GetPipelineCommand({ name: "nope" })), C.PipelineNotFoundException);
    const bad = { ...next, stages: [next.stages![0]!] };
    await rejection(send(new C.UpdatePipelineCommand({ pipeline: bad })), C.InvalidStructureException);
  });

  it("GetPipeline masks secret configuration values", async () => {
    const decl = simple("secretive");
    decl.stages![0]!.actions![0] = {
      name: "Checkout",
      actionTypeId: GITHUB,
      configuration: { Owner: "me", Repo: "app", Branch: "main", OAuthToken: "super-secret-token" },
      outputArtifacts: [{ name: "Src" }],
    };
    await send(new C.CreatePipelineCommand({ pipeline: decl }));
    const got = await send(new C.GetPipelineCommand({ name: "secretive" }));
    expect(got.pipeline?.stages?.[0]?.actions?.[0]?.configuration).toEqual({ Owner: "me", Repo: "app", Branch: "main", OAuthToken: "****" });
  });

  it("ListPipelines pages through pipelines by name", async () => {
    for (const n of ["page-a", "page-b", "page-c"]) await send(new C.CreatePipelineCommand({ pipeline: simple(n) }));
    const names: string[] = [];
    for await (const page of C.paginateListPipelines({ client, pageSize: 2 }, {})) names.push(...(page.pipelines ?? []).map((p) => p.name!));
    expect(names.filter((n) => n.startsWith("page-"))).toEqual(["page-a", "page-b", "page-c"]);
    expect([...names].sort()).toEqual(names);
    const first = await send(new C.ListPipelinesCommand({ maxResults: 1 }));
    expect(first.pipelines).toHaveLength(1);
    expect(first.pipelines?.[0]).toMatchObject({ version: 1, pipelineType: "V1", executionMode: "SUPERSEDED" });
    await rejection(send(new C.ListPipelinesCommand({ nextToken: "not-a-token" })), C.InvalidNextTokenException);
  });

  it("DeletePipeline removes the pipeline and is idempotent", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: simple("doomed") }));
    await send(new C.DeletePipelineCommand({ name: "doomed" }));
    await send(new C.DeletePipelineCommand({ name: "doomed" }));
    await rejection(send(new C.GetPipelineCommand({ name: "doomed" })), C.PipelineNotFoundException);
  });
});

describe("executions", () => {
  it("StartPipelineExecution runs a pipeline; Get/List executions and state report it", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: simple("runs") }));
    const token = "same-request-token";
    const first = await send(new C.StartPipelineExecutionCommand({ name: "runs", clientRequestToken: token }));
    const again = await send(new C.StartPipelineExecutionCommand({ name: "runs", clientRequestToken: token }));
    expect(again.pipelineExecutionId).toBe(first.pipelineExecutionId);
    const id = first.pipelineExecutionId!;
    const done = await waitForStatus(client, "runs", id, "Succeeded");
    expect(done).toMatchObject({ pipelineName: "runs", pipelineVersion: 1, executionType: "STANDARD", trigger: { triggerType: "StartPipelineExecution" } });
    expect(done.artifactRevisions?.[0]).toMatchObject({ name: "Src", revisionId: expect.stringMatching(/^[0-9a-f]{40}$/) });

    const state = await send(new C.GetPipelineStateCommand({ name: "runs" }));
    expect(state.stageStates?.map((s) => [s.stageName, s.latestExecution?.status, s.latestExecution?.pipelineExecutionId])).toEqual([
      ["Source", "Succeeded", id],
      ["Deploy", "Succeeded", id],
    ]);
    expect(state.stageStates?.[0]?.actionStates?.[0]?.currentRevision?.revisionId).toBe(done.artifactRevisions?.[0]?.revisionId);
    expect(state.stageStates?.[1]?.inboundTransitionState?.enabled).toBe(true);

    const list = await send(new C.ListPipelineExecutionsCommand({ pipelineName: "runs" }));
    expect(list.pipelineExecutionSummaries?.[0]).toMatchObject({ pipelineExecutionId: id, status: "Succeeded", sourceRevisions: [{ actionName: "Checkout" }] });
    expect(list.pipelineExecutionSummaries?.[0]?.startTime).toBeInstanceOf(Date);
    const inStage = await send(new C.ListPipelineExecutionsCommand({ pipelineName: "runs", filter: { succeededInStage: { stageName: "Deploy" } } }));
    expect(inStage.pipelineExecutionSummaries?.map((e) => e.pipelineExecutionId)).toEqual([id]);

    const actions = await send(new C.ListActionExecutionsCommand({ pipelineName: "runs", filter: { pipelineExecutionId: id } }));
    expect(actions.actionExecutionDetails?.map((a) => [a.stageName, a.actionName, a.status])).toEqual([
      ["Deploy", "Publish", "Succeeded"],
      ["Source", "Checkout", "Succeeded"],
    ]);
    const paged = await send(new C.ListActionExecutionsCommand({ pipelineName: "runs", maxResults: 1 }));
    expect(paged.actionExecutionDetails).toHaveLength(1);
    expect(paged.nextToken).toBeTruthy();
    const rest = await send(new C.ListActionExecutionsCommand({ pipelineName: "runs", maxResults: 1, nextToken: paged.nextToken }));
    expect(rest.actionExecutionDetails?.[0]?.actionName).toBe("Checkout");

    await rejection(send(new C.StartPipelineExecutionCommand({ name: "missing" })), C.PipelineNotFoundException);
    const otherId = "00000000-0000-4000-8000-000000000000";
    await rejection(send(new C.GetPipelineExecutionCommand({ pipelineName: "runs", pipelineExecutionId: otherId })), C.PipelineExecutionNotFoundException);
    await rejection(send(new C.ListActionExecutionsCommand({ pipelineName: "runs", filter: { pipelineExecutionId: otherId } })), C.PipelineExecutionNotFoundException);
    await rejection(send(new C.GetPipelineStateCommand({ name: "missing" })), C.PipelineNotFoundException);
    await rejection(send(new C.ListPipelineExecutionsCommand({ pipelineName: "missing" })), C.PipelineNotFoundException);
  });

  it("StartPipelineExecution resolves pipeline variables and rejects unknown ones", async () => {
    const decl = simple("vars", { pipelineType: "V2", variables: [{ name: "Target", defaultValue: "staging" }] });
    decl.stages![1]!.actions![0]!.configuration = { BucketName: "site-#{variables.Target}", Extract: "true" };
    await send(new C.CreatePipelineCommand({ pipeline: decl }));
    const { pipelineExecutionId } = await send(new C.StartPipelineExecutionCommand({ name: "vars", variables: [{ name: "Target", value: "prod" }] }));
    const done = await waitForStatus(client, "vars", pipelineExecutionId!, "Succeeded");
    expect(done.variables).toEqual([{ name: "Target", resolvedValue: "prod" }]);
    const actions = await send(new C.ListActionExecutionsCommand({ pipelineName: "vars" }));
    expect(actions.actionExecutionDetails?.[0]?.input?.resolvedConfiguration?.BucketName).toBe("site-prod");
    const e = await rejection(send(new C.StartPipelineExecutionCommand({ name: "vars", variables: [{ name: "Other", value: "x" }] })), C.ValidationException);
    expect(e.message).toContain("Other");
  });

  it("StopPipelineExecution stops and waits, then abandons", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: pipeline("stoppable") }));
    const { pipelineExecutionId: id } = await send(new C.StartPipelineExecutionCommand({ name: "stoppable" }));
    const job = await nextJob(client, BUILD_TYPE);
    const stop = await send(new C.StopPipelineExecutionCommand({ pipelineName: "stoppable", pipelineExecutionId: id, reason: "enough" }));
    expect(stop.pipelineExecutionId).toBe(id);
    await rejection(send(new C.StopPipelineExecutionCommand({ pipelineName: "stoppable", pipelineExecutionId: id })), C.DuplicatedStopRequestException);
    expect((await send(new C.GetPipelineExecutionCommand({ pipelineName: "stoppable", pipelineExecutionId: id }))).pipelineExecution?.status).toBe("Stopping");
    await send(new C.StopPipelineExecutionCommand({ pipelineName: "stoppable", pipelineExecutionId: id, abandon: true }));
    await waitForStatus(client, "stoppable", id!, "Stopped");
    const summary = (await send(new C.ListPipelineExecutionsCommand({ pipelineName: "stoppable" }))).pipelineExecutionSummaries?.[0];
    expect(summary?.stopTrigger?.reason).toBe("enough");
    const runs = await send(new C.ListActionExecutionsCommand({ pipelineName: "stoppable", filter: { pipelineExecutionId: id } }));
    expect(runs.actionExecutionDetails?.find((a) => a.actionName === "Compile")?.status).toBe("Abandoned");
    // The worker's result for the abandoned job is refused.
    await rejection(send(new C.PutJobSuccessResultCommand({ jobId: job.id })), C.InvalidJobStateException);
    await rejection(send(new C.StopPipelineExecutionCommand({ pipelineName: "stoppable", pipelineExecutionId: id })), C.PipelineExecutionNotStoppableException);
    await rejection(send(new C.StopPipelineExecutionCommand({ pipelineName: "missing", pipelineExecutionId: id })), C.PipelineNotFoundException);
  });

  it("RetryStageExecution re-runs the failed actions of a failed stage", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: simple("retryable") }));
    local.failAction({ pipelineName: "retryable", name: "Publish", message: "bucket is read-only" });
    const id = await runToEnd("retryable", "Failed");
    const failed = await send(new C.GetPipelineExecutionCommand({ pipelineName: "retryable", pipelineExecutionId: id }));
    expect(failed.pipelineExecution?.statusSummary).toContain("bucket is read-only");
    const state = await send(new C.GetPipelineStateCommand({ name: "retryable" }));
    expect(state.stageStates?.[1]?.actionStates?.[0]?.latestExecution).toMatchObject({ status: "Failed", errorDetails: { code: "JobFailed", message: "bucket is read-only" } });

    await rejection(
      send(new C.RetryStageExecutionCommand({ pipelineName: "retryable", stageName: "Source", pipelineExecutionId: id, retryMode: "FAILED_ACTIONS" })),
      C.StageNotRetryableException,
    );
    const out = await send(new C.RetryStageExecutionCommand({ pipelineName: "retryable", stageName: "Deploy", pipelineExecutionId: id, retryMode: "FAILED_ACTIONS" }));
    expect(out.pipelineExecutionId).toBe(id);
    await waitForStatus(client, "retryable", id, "Succeeded");
    const after = await send(new C.GetPipelineStateCommand({ name: "retryable" }));
    expect(after.stageStates?.[1]?.retryStageMetadata).toMatchObject({ manualStageRetryAttempt: 1, latestRetryTrigger: "ManualStageRetry" });
    const runs = await send(new C.ListActionExecutionsCommand({ pipelineName: "retryable", filter: { pipelineExecutionId: id } }));
    expect(runs.actionExecutionDetails?.map((a) => `${a.actionName}:${a.status}`)).toEqual(["Publish:Succeeded", "Publish:Failed", "Checkout:Succeeded"]);

    const newer = await runToEnd("retryable");
    expect(newer).not.toBe(id);
    await rejection(
      send(new C.RetryStageExecutionCommand({ pipelineName: "retryable", stageName: "Deploy", pipelineExecutionId: id, retryMode: "ALL_ACTIONS" })),
      C.NotLatestPipelineExecutionException,
    );
    await rejection(
      send(new C.RetryStageExecutionCommand({ pipelineName: "retryable", stageName: "Nope", pipelineExecutionId: id, retryMode: "ALL_ACTIONS" })),
      C.StageNotFoundException,
    );
  });

  it("RollbackStage re-runs a stage with the revisions of an earlier execution (V2)", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: simple("rollbacks", { pipelineType: "V2" }) }));
    const first = await runToEnd("rollbacks");
    const second = await runToEnd("rollbacks");
    const firstRev = (await send(new C.GetPipelineExecutionCommand({ pipelineName: "rollbacks", pipelineExecutionId: first }))).pipelineExecution
      ?.artifactRevisions?.[0]?.revisionId;
    const out = await send(new C.RollbackStageCommand({ pipelineName: "rollbacks", stageName: "Deploy", targetPipelineExecutionId: first }));
    const rb = await waitForStatus(client, "rollbacks", out.pipelineExecutionId, "Succeeded");
    expect(rb).toMatchObject({ executionType: "ROLLBACK", rollbackMetadata: { rollbackTargetPipelineExecutionId: first }, trigger: { triggerType: "ManualRollback" } });
    expect(rb.artifactRevisions?.[0]?.revisionId).toBe(firstRev);
    const state = await send(new C.GetPipelineStateCommand({ name: "rollbacks" }));
    expect(state.stageStates?.map((s) => s.latestExecution?.pipelineExecutionId)).toEqual([second, out.pipelineExecutionId]);
    expect(state.stageStates?.[1]?.latestExecution?.type).toBe("ROLLBACK");

    await rejection(
      send(new C.RollbackStageCommand({ pipelineName: "rollbacks", stageName: "Deploy", targetPipelineExecutionId: "00000000-0000-4000-8000-000000000000" })),
      C.PipelineExecutionNotFoundException,
    );
    await send(new C.CreatePipelineCommand({ pipeline: simple("rollback-v1") }));
    const v1 = await runToEnd("rollback-v1");
    await runToEnd("rollback-v1");
    await rejection(
      send(new C.RollbackStageCommand({ pipelineName: "rollback-v1", stageName: "Deploy", targetPipelineExecutionId: v1 })),
      C.UnableToRollbackStageException,
    );
    const p = await send(new C.GetPipelineCommand({ name: "rollbacks" }));
    await send(new C.UpdatePipelineCommand({ pipeline: p.pipeline! }));
    await rejection(
      send(new C.RollbackStageCommand({ pipelineName: "rollbacks", stageName: "Deploy", targetPipelineExecutionId: first })),
      C.PipelineExecutionOutdatedException,
    );
  });

  it("PutActionRevision starts an execution for a new source revision only", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: simple("revisions") }));
    const revision = { revisionId: "rev-1", revisionChangeId: "change-1", created: new Date("2024-05-01T10:00:00Z") };
    const out = await send(new C.PutActionRevisionCommand({ pipelineName: "revisions", stageName: "Source", actionName: "Checkout", actionRevision: revision }));
    expect(out.newRevision).toBe(true);
    const done = await waitForStatus(client, "revisions", out.pipelineExecutionId!, "Succeeded");
    expect(done.trigger?.triggerType).toBe("PutActionRevision");
    expect(done.artifactRevisions?.[0]).toMatchObject({ revisionId: "rev-1", revisionChangeIdentifier: "change-1" });
    const state = await send(new C.GetPipelineStateCommand({ name: "revisions" }));
    expect(state.stageStates?.[0]?.actionStates?.[0]?.currentRevision).toEqual(revision);
    const same = await send(new C.PutActionRevisionCommand({ pipelineName: "revisions", stageName: "Source", actionName: "Checkout", actionRevision: revision }));
    expect(same.newRevision).toBe(false);
    await rejection(
      send(new C.PutActionRevisionCommand({ pipelineName: "revisions", stageName: "Deploy", actionName: "Publish", actionRevision: revision })),
      C.ActionNotFoundException,
    );
    await rejection(
      send(new C.PutActionRevisionCommand({ pipelineName: "revisions", stageName: "Nope", actionName: "Publish", actionRevision: revision })),
      C.StageNotFoundException,
    );
  });

  it("ListDeployActionExecutionTargets reports the target of a deploy action", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: simple("targets") }));
    const id = await runToEnd("targets");
    const runs = await send(new C.ListActionExecutionsCommand({ pipelineName: "targets", filter: { pipelineExecutionId: id } }));
    const deploy = runs.actionExecutionDetails!.find((a) => a.stageName === "Deploy")!;
    const out = await send(new C.ListDeployActionExecutionTargetsCommand({ pipelineName: "targets", actionExecutionId: deploy.actionExecutionId }));
    expect(out.targets).toHaveLength(1);
    expect(out.targets?.[0]).toMatchObject({ status: "Succeeded", events: [{ name: "Deploy", status: "Succeeded" }] });
    const filtered = await send(
      new C.ListDeployActionExecutionTargetsCommand({ actionExecutionId: deploy.actionExecutionId, filters: [{ name: "TARGET_STATUS", values: ["Failed"] }] }),
    );
    expect(filtered.targets).toEqual([]);
    await rejection(send(new C.ListDeployActionExecutionTargetsCommand({ actionExecutionId: "nope" })), C.ActionExecutionNotFoundException);
    await rejection(
      send(new C.ListDeployActionExecutionTargetsCommand({ pipelineName: "missing", actionExecutionId: deploy.actionExecutionId })),
      C.PipelineNotFoundException,
    );
  });
});

describe("stage transitions", () => {
  it("DisableStageTransition holds executions at the stage entry until EnableStageTransition", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: simple("gated") }));
    await send(new C.DisableStageTransitionCommand({ pipelineName: "gated", stageName: "Deploy", transitionType: "Inbound", reason: "Freeze until Monday" }));
    const { pipelineExecutionId: id } = await send(new C.StartPipelineExecutionCommand({ name: "gated" }));
    const held = await until(async () => {
      const s = await send(new C.GetPipelineStateCommand({ name: "gated" }));
      return s.stageStates?.[1]?.inboundExecution ? s.stageStates[1] : undefined;
    }, "the execution to wait at Deploy");
    expect(held.inboundExecution).toEqual({ pipelineExecutionId: id, status: "InProgress", type: "STANDARD" });
    expect(held.inboundTransitionState).toMatchObject({ enabled: false, disabledReason: "Freeze until Monday", lastChangedBy: expect.stringContaining("arn:aws:iam::") });
    expect(held.inboundTransitionState?.lastChangedAt).toBeInstanceOf(Date);
    // A newer execution supersedes the one waiting at the same entry.
    const { pipelineExecutionId: newer } = await send(new C.StartPipelineExecutionCommand({ name: "gated" }));
    await waitForStatus(client, "gated", id!, "Superseded");
    await send(new C.EnableStageTransitionCommand({ pipelineName: "gated", stageName: "Deploy", transitionType: "Inbound" }));
    await waitForStatus(client, "gated", newer!, "Succeeded");
    await rejection(
      send(new C.DisableStageTransitionCommand({ pipelineName: "gated", stageName: "Nope", transitionType: "Inbound", reason: "x" })),
      C.StageNotFoundException,
    );
    await rejection(send(new C.EnableStageTransitionCommand({ pipelineName: "missing", stageName: "Deploy", transitionType: "Inbound" })), C.PipelineNotFoundException);
  });
});

describe("custom jobs", () => {
  it("PollForJobs, AcknowledgeJob, GetJobDetails and PutJobSuccessResult with a continuation token", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: pipeline("jobs") }));
    const { pipelineExecutionId: id } = await send(new C.StartPipelineExecutionCommand({ name: "jobs" }));
    const job = await nextJob(client, BUILD_TYPE);
    expect(job.accountId).toBe("000000000000");
    expect(job.data?.pipelineContext).toMatchObject({ pipelineName: "jobs", stage: { name: "Build" }, action: { name: "Compile" }, pipelineExecutionId: id });
    expect(job.data?.inputArtifacts?.[0]).toMatchObject({ name: "SourceOutput", location: { type: "S3", s3Location: { bucketName: "local-artifacts" } } });
    expect(job.data?.artifactCredentials?.secretAccessKey).toBeTruthy();
    await rejection(send(new C.AcknowledgeJobCommand({ jobId: job.id, nonce: "wrong" })), C.InvalidNonceException);
    expect((await send(new C.AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce }))).status).toBe("InProgress");
    const details = await send(new C.GetJobDetailsCommand({ jobId: job.id }));
    expect(details.jobDetails).toMatchObject({ id: job.id, accountId: "000000000000", data: { actionConfiguration: { configuration: { ProjectName: "app" } } } });
    // Only one job per action: nothing else to poll.
    expect((await send(new C.PollForJobsCommand({ actionTypeId: BUILD_TYPE }))).jobs).toEqual([]);

    await send(new C.PutJobSuccessResultCommand({ jobId: job.id, continuationToken: "step-2", executionDetails: { summary: "half way", percentComplete: 50 } }));
    const state = await send(new C.GetPipelineStateCommand({ name: "jobs" }));
    expect(state.stageStates?.[1]?.actionStates?.[0]?.latestExecution).toMatchObject({ status: "InProgress", summary: "half way", percentComplete: 50 });
    const resumed = await nextJob(client, BUILD_TYPE);
    expect(resumed.id).not.toBe(job.id);
    expect(resumed.data?.continuationToken).toBe("step-2");
    await rejection(send(new C.PutJobSuccessResultCommand({ jobId: job.id })), C.InvalidJobStateException);
    await rejection(
      send(new C.PutJobSuccessResultCommand({ jobId: resumed.id, outputVariables: { big: "x".repeat(100) }, continuationToken: "again" })),
      C.ValidationException,
    );
    const huge = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`k${i}`, "x".repeat(1000)]));
    await rejection(send(new C.PutJobSuccessResultCommand({ jobId: resumed.id, outputVariables: huge })), C.OutputVariablesSizeExceededException);
    await send(new C.PutJobSuccessResultCommand({ jobId: resumed.id, outputVariables: { Version: "green" }, executionDetails: { summary: "built", externalExecutionId: "build-42" } }));
    await send(new C.PutApprovalResultCommand({ pipelineName: "jobs", stageName: "Approve", actionName: "Review", token: await approvalToken(client, "jobs", "Approve", "Review"), result: { status: "Approved", summary: "ok" } }));
    await waitForStatus(client, "jobs", id!, "Succeeded");
    const runs = await send(new C.ListActionExecutionsCommand({ pipelineName: "jobs", filter: { pipelineExecutionId: id } }));
    const compile = runs.actionExecutionDetails!.find((a) => a.actionName === "Compile")!;
    expect(compile.output).toMatchObject({ outputVariables: { Version: "green" }, executionResult: { externalExecutionId: "build-42", externalExecutionSummary: "built" } });
    expect(runs.actionExecutionDetails!.find((a) => a.actionName === "Publish")?.input?.resolvedConfiguration?.BucketName).toBe("site-green");

    await rejection(send(new C.GetJobDetailsCommand({ jobId: "00000000-0000-4000-8000-000000000000" })), C.JobNotFoundException);
    await rejection(send(new C.AcknowledgeJobCommand({ jobId: "00000000-0000-4000-8000-000000000000", nonce: "1" })), C.JobNotFoundException);
    await rejection(send(new C.PollForJobsCommand({ actionTypeId: { ...BUILD_TYPE, provider: "Unknown" } })), C.ActionTypeNotFoundException);
  });

  it("PutJobFailureResult fails the action and the execution", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: pipeline("job-fails") }));
    const { pipelineExecutionId: id } = await send(new C.StartPipelineExecutionCommand({ name: "job-fails" }));
    const job = await nextJob(client, BUILD_TYPE);
    await send(new C.PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: "JobFailed", message: "compiler error", externalExecutionId: "b-1" } }));
    const ex = await waitForStatus(client, "job-fails", id!, "Failed");
    expect(ex.statusSummary).toContain("compiler error");
    const state = await send(new C.GetPipelineStateCommand({ name: "job-fails" }));
    expect(state.stageStates?.[1]?.actionStates?.[0]?.latestExecution).toMatchObject({ status: "Failed", errorDetails: { code: "JobFailed", message: "compiler error" } });
    await rejection(send(new C.PutJobFailureResultCommand({ jobId: job.id, failureDetails: { type: "JobFailed", message: "again" } })), C.InvalidJobStateException);
    await rejection(
      send(new C.PutJobFailureResultCommand({ jobId: "00000000-0000-4000-8000-000000000000", failureDetails: { type: "JobFailed", message: "x" } })),
      C.JobNotFoundException,
    );
  });
});

describe("third-party jobs", () => {
  it("PollForThirdPartyJobs, AcknowledgeThirdPartyJob, GetThirdPartyJobDetails and both results", async () => {
    const decl = simple("partner");
    decl.stages![0]!.actions![0] = {
      name: "Checkout",
      actionTypeId: GITHUB,
      configuration: { Owner: "me", Repo: "app", Branch: "main", OAuthToken: "t" },
      outputArtifacts: [{ name: "Src" }],
    };
    await send(new C.CreatePipelineCommand({ pipeline: decl }));
    const runOnce = async () => {
      const { pipelineExecutionId } = await send(new C.StartPipelineExecutionCommand({ name: "partner" }));
      const job = await until(async () => (await send(new C.PollForThirdPartyJobsCommand({ actionTypeId: GITHUB }))).jobs?.[0], "a third-party job");
      return { id: pipelineExecutionId!, jobId: job.jobId!, clientToken: job.clientId! };
    };
    const a = await runOnce();
    await rejection(send(new C.GetThirdPartyJobDetailsCommand({ jobId: a.jobId, clientToken: "wrong" })), C.InvalidClientTokenException);
    const details = await send(new C.GetThirdPartyJobDetailsCommand({ jobId: a.jobId, clientToken: a.clientToken }));
    expect(details.jobDetails?.data?.actionConfiguration?.configuration).toMatchObject({ Repo: "app" });
    await rejection(send(new C.AcknowledgeThirdPartyJobCommand({ jobId: a.jobId, nonce: "wrong", clientToken: a.clientToken })), C.InvalidNonceException);
    const ack = await send(new C.AcknowledgeThirdPartyJobCommand({ jobId: a.jobId, nonce: details.jobDetails!.nonce!, clientToken: a.clientToken }));
    expect(ack.status).toBe("InProgress");
    await send(
      new C.PutThirdPartyJobSuccessResultCommand({
        jobId: a.jobId,
        clientToken: a.clientToken,
        currentRevision: { revision: "abc123", changeIdentifier: "abc", revisionSummary: "Fix the build" },
      }),
    );
    const done = await waitForStatus(client, "partner", a.id, "Succeeded");
    expect(done.artifactRevisions?.[0]).toMatchObject({ revisionId: "abc123", revisionSummary: "Fix the build" });
    await rejection(send(new C.PutThirdPartyJobSuccessResultCommand({ jobId: a.jobId, clientToken: a.clientToken })), C.InvalidJobStateException);

    const b = await runOnce();
    await send(new C.PutThirdPartyJobFailureResultCommand({ jobId: b.jobId, clientToken: b.clientToken, failureDetails: { type: "RevisionUnavailable", message: "gone" } }));
    await waitForStatus(client, "partner", b.id, "Failed");

    await rejection(send(new C.GetThirdPartyJobDetailsCommand({ jobId: "missing", clientToken: "x" })), C.JobNotFoundException);
    await rejection(send(new C.PollForThirdPartyJobsCommand({ actionTypeId: { ...GITHUB, provider: "Nope" } })), C.ActionTypeNotFoundException);
    await send(new C.CreatePipelineCommand({ pipeline: pipeline("not-partner") }));
    await send(new C.StartPipelineExecutionCommand({ name: "not-partner" }));
    const custom = await nextJob(client, BUILD_TYPE);
    await rejection(send(new C.GetThirdPartyJobDetailsCommand({ jobId: custom.id, clientToken: "x" })), C.InvalidJobException);
  });
});

describe("approvals", () => {
  it("PutApprovalResult approves with the current token; other tokens are refused", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: pipeline("approvals") }));
    const { pipelineExecutionId: id } = await send(new C.StartPipelineExecutionCommand({ name: "approvals" }));
    const job = await nextJob(client, BUILD_TYPE);
    await send(new C.PutJobSuccessResultCommand({ jobId: job.id, outputVariables: { Version: "x" } }));
    const token = await approvalToken(client, "approvals", "Approve", "Review");
    const where = { pipelineName: "approvals", stageName: "Approve", actionName: "Review" };
    await rejection(
      send(new C.PutApprovalResultCommand({ ...where, token: "11111111-2222-4333-8444-555555555555", result: { status: "Approved", summary: "" } })),
      C.InvalidApprovalTokenException,
    );
    await rejection(
      send(new C.PutApprovalResultCommand({ ...where, actionName: "Nope", token, result: { status: "Approved", summary: "" } })),
      C.ActionNotFoundException,
    );
    await rejection(send(new C.PutApprovalResultCommand({ ...where, stageName: "Nope", token, result: { status: "Approved", summary: "" } })), C.StageNotFoundException);
    const out = await send(new C.PutApprovalResultCommand({ ...where, token, result: { status: "Approved", summary: "Looks good" } }));
    expect(out.approvedAt).toBeInstanceOf(Date);
    await rejection(send(new C.PutApprovalResultCommand({ ...where, token, result: { status: "Rejected", summary: "" } })), C.ApprovalAlreadyCompletedException);
    await waitForStatus(client, "approvals", id!, "Succeeded");
    const review = (await send(new C.ListActionExecutionsCommand({ pipelineName: "approvals", filter: { pipelineExecutionId: id } }))).actionExecutionDetails!.find(
      (a) => a.actionName === "Review",
    );
    expect(review?.updatedBy).toContain("arn:aws:iam::");
    expect(review?.output?.executionResult?.externalExecutionSummary).toBe("Looks good");
  });

  it("a rejected approval fails the execution; its token is outdated after a retry", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: pipeline("rejects") }));
    const { pipelineExecutionId: id } = await send(new C.StartPipelineExecutionCommand({ name: "rejects" }));
    await send(new C.PutJobSuccessResultCommand({ jobId: (await nextJob(client, BUILD_TYPE)).id, outputVariables: { Version: "x" } }));
    const where = { pipelineName: "rejects", stageName: "Approve", actionName: "Review" };
    const token = await approvalToken(client, "rejects", "Approve", "Review");
    await send(new C.PutApprovalResultCommand({ ...where, token, result: { status: "Rejected", summary: "not today" } }));
    await waitForStatus(client, "rejects", id!, "Failed");
    await send(new C.RetryStageExecutionCommand({ pipelineName: "rejects", stageName: "Approve", pipelineExecutionId: id, retryMode: "FAILED_ACTIONS" }));
    const fresh = await approvalToken(client, "rejects", "Approve", "Review");
    expect(fresh).not.toBe(token);
    await rejection(send(new C.PutApprovalResultCommand({ ...where, token, result: { status: "Approved", summary: "" } })), C.ApprovalAlreadyCompletedException);
    await send(new C.StopPipelineExecutionCommand({ pipelineName: "rejects", pipelineExecutionId: id, reason: "no" }));
    await waitForStatus(client, "rejects", id!, "Stopped");
    const stale = await rejection(send(new C.PutApprovalResultCommand({ ...where, token: fresh, result: { status: "Approved", summary: "" } })), C.InvalidApprovalTokenException);
    expect(stale.message).toContain("outdated");
  });
});

describe("stage conditions", () => {
  it("OverrideStageCondition skips a condition that is being evaluated; ListRuleExecutions reports rules", async () => {
    // A separate endpoint where rules take long, so a condition is still being evaluated when overridden.
    const slow = await setup({ actionDelayMs: 60_000, log });
    try {
      const c = slow.client;
      await c.send(new C.CreateCustomActionTypeCommand(customBuildType));
      const decl = pipeline("conditions", { pipelineType: "V2" });
      decl.stages![0]!.actions![0] = {
        name: "Checkout",
        actionTypeId: { category: "Source", owner: "Custom", provider: "LocalBuilder", version: "1" },
        configuration: { ProjectName: "src" },
        outputArtifacts: [{ name: "SourceOutput" }],
      };
      await c.send(
        new C.CreateCustomActionTypeCommand({ ...customBuildType, category: "Source", inputArtifactDetails: { minimumCount: 0, maximumCount: 0 } }),
      );
      decl.stages![1]!.beforeEntry = {
        conditions: [{ result: "FAIL", rules: [{ name: "Window", ruleTypeId: { category: "Rule", owner: "AWS", provider: "DeploymentWindow", version: "1" }, configuration: { Cron: "* * * * *" } }] }],
      };
      await c.send(new C.CreatePipelineCommand({ pipeline: decl }));
      const { pipelineExecutionId: id } = await c.send(new C.StartPipelineExecutionCommand({ name: "conditions" }));
      await rejection(
        c.send(new C.OverrideStageConditionCommand({ pipelineName: "conditions", stageName: "Build", pipelineExecutionId: id, conditionType: "BEFORE_ENTRY" })),
        C.NotLatestPipelineExecutionException,
      );
      const src = await nextJob(c, { ...BUILD_TYPE, category: "Source" });
      await c.send(new C.PutJobSuccessResultCommand({ jobId: src.id }));
      const stage = await until(async () => {
        const s = await c.send(new C.GetPipelineStateCommand({ name: "conditions" }));
        return s.stageStates?.[1]?.beforeEntryConditionState ? s.stageStates[1] : undefined;
      }, "the condition to run");
      expect(stage.beforeEntryConditionState?.latestExecution?.status).toBe("InProgress");
      expect(stage.beforeEntryConditionState?.conditionStates?.[0]?.ruleStates?.[0]).toMatchObject({ ruleName: "Window", latestExecution: { status: "InProgress" } });
      await rejection(
        c.send(new C.OverrideStageConditionCommand({ pipelineName: "conditions", stageName: "Build", pipelineExecutionId: id, conditionType: "ON_SUCCESS" })),
        C.ConditionNotOverridableException,
      );
      await c.send(new C.OverrideStageConditionCommand({ pipelineName: "conditions", stageName: "Build", pipelineExecutionId: id, conditionType: "BEFORE_ENTRY" }));
      // Past the condition: the build job is handed out.
      const build = await nextJob(c, BUILD_TYPE);
      expect(build.data?.pipelineContext?.pipelineExecutionId).toBe(id);
      const rules = await c.send(new C.ListRuleExecutionsCommand({ pipelineName: "conditions", filter: { pipelineExecutionId: id } }));
      expect(rules.ruleExecutionDetails?.map((r) => [r.stageName, r.ruleName, r.status])).toEqual([["Build", "Window", "Abandoned"]]);
      expect(rules.ruleExecutionDetails?.[0]?.input?.ruleTypeId?.provider).toBe("DeploymentWindow");
      await rejection(
        c.send(new C.OverrideStageConditionCommand({ pipelineName: "conditions", stageName: "Nope", pipelineExecutionId: id, conditionType: "BEFORE_ENTRY" })),
        C.StageNotFoundException,
      );
      await rejection(c.send(new C.ListRuleExecutionsCommand({ pipelineName: "missing" })), C.PipelineNotFoundException);
    } finally {
      slow.client.destroy();
      await slow.local.close();
    }
  });

  it("a failing rule fails the stage", async () => {
    const decl = simple("rule-fails", { pipelineType: "V2" });
    decl.stages![1]!.onSuccess = {
      conditions: [{ result: "FAIL", rules: [{ name: "Alarm", ruleTypeId: { category: "Rule", owner: "AWS", provider: "CloudWatchAlarm", version: "1" }, configuration: { AlarmName: "errors" } }] }],
    };
    await send(new C.CreatePipelineCommand({ pipeline: decl }));
    local.failRule({ pipelineName: "rule-fails", name: "Alarm", message: "alarm is firing" });
    const id = await runToEnd("rule-fails", "Failed");
    const state = await send(new C.GetPipelineStateCommand({ name: "rule-fails" }));
    expect(state.stageStates?.[1]?.onSuccessConditionState?.conditionStates?.[0]?.ruleStates?.[0]?.latestExecution).toMatchObject({
      status: "Failed",
      errorDetails: { message: "alarm is firing" },
    });
    const rules = await send(new C.ListRuleExecutionsCommand({ pipelineName: "rule-fails", filter: { pipelineExecutionId: id } }));
    expect(rules.ruleExecutionDetails?.[0]?.output?.executionResult?.errorDetails?.message).toBe("alarm is firing");
  });
});

describe("webhooks", () => {
  it("PutWebhook, ListWebhooks, Register/Deregister, a POST to its URL, DeleteWebhook", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: simple("hooked") }));
    const definition = {
      name: "on-push",
      targetPipeline: "hooked",
      targetAction: "Checkout",
      filters: [{ jsonPath: "$.ref", matchEquals: "refs/heads/{Branch}" }],
      authentication: "UNAUTHENTICATED" as const,
      authenticationConfiguration: {},
    };
    const put = await send(new C.PutWebhookCommand({ webhook: definition, tags: [{ key: "source", value: "git" }] }));
    expect(put.webhook).toMatchObject({ definition, arn: "arn:aws:codepipeline:us-east-1:000000000000:webhook:on-push", tags: [{ key: "source", value: "git" }] });
    expect(put.webhook?.url).toMatch(new RegExp(`^${local.endpoint}/webhooks/`));
    const listed = await send(new C.ListWebhooksCommand({}));
    expect(listed.webhooks?.map((w) => w.definition.name)).toContain("on-push");

    await send(new C.RegisterWebhookWithThirdPartyCommand({ webhookName: "on-push" }));
    await send(new C.DeregisterWebhookWithThirdPartyCommand({ webhookName: "on-push" }));
    await rejection(send(new C.RegisterWebhookWithThirdPartyCommand({ webhookName: "nope" })), C.WebhookNotFoundException);
    await rejection(send(new C.DeregisterWebhookWithThirdPartyCommand({})), C.WebhookNotFoundException);

    // The target action has no configuration property Branch, so "{Branch}" stays as written.
    const miss = await fetch(put.webhook!.url, { method: "POST", body: JSON.stringify({ ref: "refs/heads/main" }) });
    expect(await miss.json()).toEqual({ message: expect.stringContaining("does not match") });
    await send(new C.PutWebhookCommand({ webhook: { ...definition, filters: [{ jsonPath: "$.ref", matchEquals: "refs/heads/main" }] } }));
    const hit = await fetch(put.webhook!.url, { method: "POST", body: JSON.stringify({ ref: "refs/heads/main" }) });
    const { pipelineExecutionId } = (await hit.json()) as { pipelineExecutionId: string };
    const ex = await waitForStatus(client, "hooked", pipelineExecutionId, "Succeeded");
    expect(ex.trigger).toEqual({ triggerType: "Webhook", triggerDetail: put.webhook!.arn });
    expect((await send(new C.ListWebhooksCommand({}))).webhooks?.find((w) => w.definition.name === "on-push")?.lastTriggered).toBeInstanceOf(Date);

    await rejection(
      send(new C.PutWebhookCommand({ webhook: { ...definition, name: "h2", authentication: "GITHUB_HMAC" } })),
      C.InvalidWebhookAuthenticationParametersException,
    );
    await rejection(
      send(new C.PutWebhookCommand({ webhook: { ...definition, name: "h3", filters: [{ jsonPath: "ref" }] } })),
      C.InvalidWebhookFilterPatternException,
    );
    await rejection(send(new C.PutWebhookCommand({ webhook: { ...definition, name: "h4", targetPipeline: "missing" } })), C.PipelineNotFoundException);

    await send(new C.DeleteWebhookCommand({ name: "on-push" }));
    expect((await send(new C.ListWebhooksCommand({}))).webhooks?.some((w) => w.definition.name === "on-push")).toBe(false);
    expect((await fetch(put.webhook!.url, { method: "POST", body: "{}" })).status).toBe(404);
  });

  it("matchEquals takes {Name} as the target action's configuration property Name, as the service does", async () => {
    const codeCommit = { category: "Source", owner: "AWS", provider: "CodeCommit", version: "1" } as const;
    const decl = simple("branch-hook");
    decl.stages![0]!.actions![0] = { name: "Repo", actionTypeId: codeCommit, configuration: { RepositoryName: "app", BranchName: "release" }, outputArtifacts: [{ name: "Src" }] };
    await send(new C.CreatePipelineCommand({ pipeline: decl }));
    const hook = async (matchEquals: string) =>
      (
        await send(
          new C.PutWebhookCommand({
            webhook: {
              name: "branch",
              targetPipeline: "branch-hook",
              targetAction: "Repo",
              filters: [{ jsonPath: "$.ref", matchEquals }],
              authentication: "UNAUTHENTICATED",
              authenticationConfiguration: {},
            },
          }),
        )
      ).webhook!.url;
    const post = async (url: string, payload: object) => (await (await fetch(url, { method: "POST", body: JSON.stringify(payload) })).json()) as { pipelineExecutionId?: string; message?: string };

    const url = await hook("refs/heads/{BranchName}");
    expect((await post(url, { ref: "refs/heads/main" })).message).toMatch(/does not match/);
    const started = await post(url, { ref: "refs/heads/release" });
    expect(started.pipelineExecutionId).toEqual(expect.any(String));
    await waitForStatus(client, "branch-hook", started.pipelineExecutionId!, "Succeeded");

    // Several placeholders; a name the action's configuration lacks stays as written.
    await hook("{RepositoryName}:{BranchName}");
    expect((await post(url, { ref: "app:release" })).pipelineExecutionId).toEqual(expect.any(String));
    await hook("refs/heads/{Branch}");
    expect((await post(url, { ref: "refs/heads/release" })).message).toMatch(/does not match/);
    expect((await post(url, { ref: "refs/heads/{Branch}" })).pipelineExecutionId).toEqual(expect.any(String));
    // A JSONPath between braces is not a placeholder the service knows: compared as written.
    await hook("{$.ref}");
    expect((await post(url, { ref: "refs/heads/release" })).message).toMatch(/does not match/);
  });

  it("a GITHUB_HMAC webhook checks the payload signature", async () => {
    const { createHmac } = await import("node:crypto");
    await send(new C.CreatePipelineCommand({ pipeline: simple("signed-hook") }));
    const put = await send(
      new C.PutWebhookCommand({
        webhook: {
          name: "signed",
          targetPipeline: "signed-hook",
          targetAction: "Checkout",
          filters: [],
          authentication: "GITHUB_HMAC",
          authenticationConfiguration: { SecretToken: "hook-secret" },
        },
      }),
    );
    const body = JSON.stringify({ ref: "refs/heads/main" });
    const bad = await fetch(put.webhook!.url, { method: "POST", body, headers: { "x-hub-signature-256": "sha256=00" } });
    expect(bad.status).toBe(403);
    const sig = `sha256=${createHmac("sha256", "hook-secret").update(body).digest("hex")}`;
    const good = await fetch(put.webhook!.url, { method: "POST", body, headers: { "x-hub-signature-256": sig } });
    expect(good.status).toBe(200);
  });
});

describe("tags", () => {
  it("TagResource, ListTagsForResource and UntagResource on pipelines, webhooks and custom action types", async () => {
    await send(new C.CreatePipelineCommand({ pipeline: simple("tagged"), tags: [{ key: "a", value: "1" }] }));
    const arn = `arn:aws:codepipeline:us-east-1:000000000000:tagged`;
    await send(new C.TagResourceCommand({ resourceArn: arn, tags: [{ key: "b", value: "2" }, { key: "a", value: "one" }] }));
    expect((await send(new C.ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: "a", value: "one" },
      { key: "b", value: "2" },
    ]);
    const pageOne = await send(new C.ListTagsForResourceCommand({ resourceArn: arn, maxResults: 1 }));
    expect(pageOne.tags).toEqual([{ key: "a", value: "one" }]);
    const pageTwo = await send(new C.ListTagsForResourceCommand({ resourceArn: arn, maxResults: 1, nextToken: pageOne.nextToken }));
    expect(pageTwo.tags).toEqual([{ key: "b", value: "2" }]);
    await send(new C.UntagResourceCommand({ resourceArn: arn, tagKeys: ["a"] }));
    expect((await send(new C.ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([{ key: "b", value: "2" }]);

    const typeArn = "arn:aws:codepipeline:us-east-1:000000000000:actiontype:Custom/Build/LocalBuilder/1";
    expect((await send(new C.ListTagsForResourceCommand({ resourceArn: typeArn }))).tags).toEqual([{ key: "team", value: "build" }]);

    const missing = "arn:aws:codepipeline:us-east-1:000000000000:no-such-pipeline";
    await rejection(send(new C.ListTagsForResourceCommand({ resourceArn: missing })), C.ResourceNotFoundException);
    await rejection(send(new C.TagResourceCommand({ resourceArn: missing, tags: [] })), C.ResourceNotFoundException);
    await rejection(send(new C.UntagResourceCommand({ resourceArn: missing, tagKeys: [] })), C.ResourceNotFoundException);
    const odd = "arn:aws:codepipeline:us:east:000000000000:tagged";
    await rejection(send(new C.ListTagsForResourceCommand({ resourceArn: odd })), C.InvalidArnException);
    await rejection(send(new C.TagResourceCommand({ resourceArn: arn, tags: [{ key: "aws:x", value: "y" }] })), C.InvalidTagsException);
    await rejection(send(new C.UntagResourceCommand({ resourceArn: arn, tagKeys: ["aws:x"] })), C.InvalidTagsException);
    const many = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: "v" }));
    await rejection(send(new C.TagResourceCommand({ resourceArn: arn, tags: many })), C.TooManyTagsException);
  });
});

describe("coverage", () => {
  it("every operation of the model answered successfully at least once", () => {
    const all = Object.keys(operations);
    expect(all).toHaveLength(44);
    expect(all.filter((op) => !answered.has(op))).toEqual([]);
  });
});
