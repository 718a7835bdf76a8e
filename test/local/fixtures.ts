import type { PipelineDeclaration } from "../../models/index.js";
import { CodePipelineClient, GetPipelineExecutionCommand, GetPipelineStateCommand, PollForJobsCommand } from "../../src/index.js";
import { startLocalCodePipeline, type LocalCodePipeline, type LocalCodePipelineOptions } from "../../src/local/index.js";

export const ROLE = "arn:aws:iam::000000000000:role/pipeline-role";
export const BUILD_TYPE = { category: "Build", owner: "Custom", provider: "LocalBuilder", version: "1" } as const;

/** Starts an endpoint that checks its own responses against the model, and a client for it. */
export async function setup(options: LocalCodePipelineOptions = {}): Promise<{ local: LocalCodePipeline; client: CodePipelineClient }> {
  const local = await startLocalCodePipeline({ actionDelayMs: 5, validateResponses: true, ...options });
  const client = new CodePipelineClient({ ...local.clientConfig, maxAttempts: 1 });
  return { local, client };
}

/** Source (S3) -> Build (custom) -> Approve (manual) -> Deploy (S3). */
export function pipeline(name: string, extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration {
  return {
    name,
    roleArn: ROLE,
    artifactStore: { type: "S3", location: "local-artifacts" },
    stages: [
      {
        name: "Source",
        actions: [
          {
            name: "Checkout",
            actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
            configuration: { S3Bucket: "sources", S3ObjectKey: "app.zip" },
            outputArtifacts: [{ name: "SourceOutput" }],
          },
        ],
      },
      {
        name: "Build",
        actions: [
          {
            name: "Compile",
            actionTypeId: { ...BUILD_TYPE },
            configuration: { ProjectName: "app" },
            inputArtifacts: [{ name: "SourceOutput" }],
            outputArtifacts: [{ name: "BuildOutput" }],
            namespace: "BuildVariables",
          },
        ],
      },
      {
        name: "Approve",
        actions: [{ name: "Review", actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" } }],
      },
      {
        name: "Deploy",
        actions: [
          {
            name: "Publish",
            actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
            configuration: { BucketName: "site-#{BuildVariables.Flavor}", Extract: "true" },
            inputArtifacts: [{ name: "BuildOutput" }],
          },
        ],
      },
    ],
    ...extra,
  };
}

export const customBuildType = {
  category: BUILD_TYPE.category,
  provider: BUILD_TYPE.provider,
  version: BUILD_TYPE.version,
  configurationProperties: [{ name: "ProjectName", required: true, key: true, secret: false, queryable: true }],
  inputArtifactDetails: { minimumCount: 1, maximumCount: 1 },
  outputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
};

/** Polls `check` until it returns a value (not undefined), for at most `ms`. */
export async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

type Sender = { send(command: any): Promise<any> };

/** Waits until the execution reaches `status`. */
export async function waitForStatus(client: Sender, pipelineName: string, pipelineExecutionId: string, status: string) {
  return until(async () => {
    const r = await client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }));
    return r.pipelineExecution?.status === status ? r.pipelineExecution : undefined;
  }, `execution ${pipelineExecutionId} to be ${status}`);
}

/** Waits for a job of `actionTypeId` and returns it (polled, not acknowledged). */
export async function nextJob(client: Sender, actionTypeId: object) {
  return until(async () => {
    const r = await client.send(new PollForJobsCommand({ actionTypeId: actionTypeId as any }));
    return r.jobs?.[0];
  }, "a job");
}

/** Waits for the approval of `stage`/`action` to be waiting and returns its token. */
export async function approvalToken(client: Sender, name: string, stage: string, action: string): Promise<string> {
  return until(async () => {
    const s = await client.send(new GetPipelineStateCommand({ name }));
    const a = s.stageStates?.find((x: any) => x.stageName === stage)?.actionStates?.find((x: any) => x.actionName === action);
    return a?.latestExecution?.status === "InProgress" ? a.latestExecution.token : undefined;
  }, `approval ${stage}/${action}`);
}

/** The rejection of `promise`, checked to be an instance of `Class` with the given HTTP status. */
export async function rejection<E extends Error>(promise: Promise<unknown>, Class: new (...a: any[]) => E, status = 400): Promise<E> {
  const err = await promise.then(
    () => {
      throw new Error(`expected ${Class.name}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  if (!(err instanceof Class)) throw new Error(`expected ${Class.name}, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
  const meta = (err as any).$metadata;
  if (meta?.httpStatusCode !== status) throw new Error(`expected HTTP ${status} for ${Class.name}, got ${meta?.httpStatusCode}`);
  if (typeof meta.requestId !== "string" || !meta.requestId) throw new Error("the error has no request id");
  return err as E;
}
