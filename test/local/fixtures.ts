import { customActionType } from "../fixtures/pipeline.mjs";
import { CodePipelineClient, GetPipelineExecutionCommand, GetPipelineStateCommand, PollForJobsCommand } from "../../src/index.js";
import { startLocalCodePipeline, type LocalCodePipeline, type LocalCodePipelineOptions } from "../../src/local/index.js";

export { BUILD_TYPE, ROLE, pipeline, shortPipeline } from "../fixtures/pipeline.mjs";
/** The CreateCustomActionType input of BUILD_TYPE. */
export const customBuildType = customActionType();

/** Starts an endpoint that checks its own responses against the model, and a client for it. */
export async function setup(options: LocalCodePipelineOptions = {}): Promise<{ local: LocalCodePipeline; client: CodePipelineClient }> {
  const local = await startLocalCodePipeline({ actionDelayMs: 5, validateResponses: true, ...options });
  const client = new CodePipelineClient({ ...local.clientConfig, maxAttempts: 1 });
  return { local, client };
}

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
