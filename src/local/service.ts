/**
 * The local endpoint's operations: the table of the 44 CodePipeline operations, built from the
 * per-area modules (pipelines, executions, jobs, webhooks), and the checks they share. Inputs
 * arrive already checked against the model (required members, types, lengths, ranges, patterns,
 * enums); the operations make the checks the model cannot express and answer with the service's
 * errors.
 */
import type * as M from "../../models/index.js";
import type { Engine } from "./engine.js";
import { executionHandlers } from "./executions.js";
import { jobHandlers } from "./jobs.js";
import { pipelineHandlers } from "./pipelines.js";
import type { ExecRec, JobRec, PipelineRec, WebhookRec } from "./records.js";
import { clone, fail, toDate } from "./util.js";
import { webhookHandlers } from "./webhooks.js";

type Handler = (input: any) => unknown;
export type Handlers = { [operation: string]: Handler };

const MAX_TAGS = 50;

export class LocalService {
  readonly engine: Engine;
  /** Where the endpoint listens, for webhook URLs. */
  endpoint = "";
  readonly handlers: Handlers;

  constructor(engine: Engine) {
    this.engine = engine;
    this.handlers = this.createHandlers();
  }

  get accountId() {
    return this.engine.options.accountId;
  }

  // ---- shared checks -------------------------------------------------------------------------

  checkTags(tags: M.Tag[] | undefined, existing: M.Tag[] = []): M.Tag[] {
    const merged = new Map(existing.map((t) => [t.key!, t.value!]));
    for (const t of tags ?? []) {
      if (t.key!.toLowerCase().startsWith("aws:")) fail("InvalidTagsException", `The tag key ${t.key} is reserved: keys starting with "aws:" belong to AWS.`);
      merged.set(t.key!, t.value!);
    }
    if (merged.size > MAX_TAGS) fail("TooManyTagsException", `A resource can have at most ${MAX_TAGS} tags; this one would have ${merged.size}.`);
    return [...merged].map(([key, value]) => ({ key, value }));
  }

  customJob(jobId: string): JobRec {
    const job = this.engine.jobs.get(jobId);
    if (!job || job.owner !== "Custom") return fail("JobNotFoundException", `The job ${jobId} was not found.`);
    return job;
  }

  thirdPartyJob(jobId: string, clientToken: string): JobRec {
    const job = this.engine.jobs.get(jobId);
    if (!job) return fail("JobNotFoundException", `The job ${jobId} was not found.`);
    if (job.owner !== "ThirdParty") fail("InvalidJobException", `The job ${jobId} is not a third-party job; use the job operations for custom actions.`);
    if (clientToken !== job.clientId) fail("InvalidClientTokenException", `The client token does not belong to the job ${jobId}.`);
    return job;
  }

  checkOpenJob(job: JobRec): void {
    if (job.status === "Succeeded" || job.status === "Failed" || job.status === "TimedOut")
      fail("InvalidJobStateException", `The job ${job.id} is ${job.status} and cannot take another result.`);
    if (job.run.status !== "InProgress")
      fail("InvalidJobStateException", `The action of the job ${job.id} is ${job.run.status}; its result is no longer accepted.`);
  }

  execution(p: PipelineRec, id: string): ExecRec {
    const e = p.executions.find((x) => x.id === id);
    if (!e) return fail("PipelineExecutionNotFoundException", `The pipeline ${p.name} has no execution ${id}.`);
    return e;
  }

  /** Action or rule runs, newest first, of the execution a list filter names (checked to exist), else all. */
  runsFor<R extends { exec: { id: string } }>(
    p: PipelineRec,
    runs: R[],
    filter: { pipelineExecutionId?: string; latestInPipelineExecution?: { pipelineExecutionId?: string } } | undefined,
  ): R[] {
    const newest = [...runs].reverse();
    const execId = filter?.pipelineExecutionId ?? filter?.latestInPipelineExecution?.pipelineExecutionId;
    if (execId === undefined) return newest;
    this.execution(p, execId);
    return newest.filter((r) => r.exec.id === execId);
  }

  resource(arn: string): { tags: M.Tag[] } {
    const m = /^arn:aws(?:-[\w]+)*:codepipeline:([^:]+):([0-9]{12}):(.+)$/.exec(arn);
    if (!m) return fail("InvalidArnException", `${arn} is not a CodePipeline resource ARN.`);
    const [, region, account, rest] = m as unknown as [string, string, string, string];
    const missing = () => fail("ResourceNotFoundException", `The resource ${arn} was not found.`);
    if (region !== this.engine.options.region || account !== this.accountId) return missing();
    if (rest.startsWith("webhook:")) return this.engine.webhooks.get(rest.slice(8)) ?? missing();
    if (rest.startsWith("actiontype:")) {
      const t = this.engine.customTypes.get(rest.slice(11));
      return t && !this.engine.deletedTypes.has(rest.slice(11)) ? t : missing();
    }
    return this.engine.pipelines.get(rest) ?? missing();
  }

  declaration(t: M.ActionType): M.ActionTypeDeclaration {
    return {
      id: { category: t.id.category, owner: t.id.owner, provider: t.id.provider, version: t.id.version },
      executor: { type: "JobWorker", configuration: { jobWorkerExecutorConfiguration: { pollingServicePrincipals: ["codepipeline.amazonaws.com"] } } },
      inputArtifactDetails: { ...t.inputArtifactDetails },
      outputArtifactDetails: { ...t.outputArtifactDetails },
      properties: (t.actionConfigurationProperties ?? []).map((p) => ({
        name: p.name,
        optional: !p.required,
        key: p.key,
        noEcho: p.secret,
        queryable: p.queryable,
        description: p.description,
      })),
      urls: t.settings?.entityUrlTemplate ? { entityUrlTemplate: t.settings.entityUrlTemplate } : undefined,
    };
  }

  webhookItem(w: WebhookRec): M.ListWebhookItem {
    return {
      definition: clone(w.definition),
      url: `${this.endpoint}/webhooks/${w.id}`,
      arn: w.arn,
      lastTriggered: w.lastTriggered,
      tags: w.tags.length ? clone(w.tags) : undefined,
    };
  }

  summary(e: ExecRec): M.PipelineExecutionSummary {
    return {
      pipelineExecutionId: e.id,
      status: e.status,
      statusSummary: e.statusSummary,
      startTime: e.start,
      lastUpdateTime: e.updated,
      sourceRevisions: clone(e.sourceRevisions),
      trigger: clone(e.trigger),
      stopTrigger: e.stopTrigger ? { ...e.stopTrigger } : undefined,
      executionMode: e.mode,
      executionType: e.type,
      rollbackMetadata: e.rollbackTarget ? { rollbackTargetPipelineExecutionId: e.rollbackTarget } : undefined,
    };
  }

  jobSuccess(job: JobRec, input: M.PutJobSuccessResultInput | M.PutThirdPartyJobSuccessResultInput, outputVariables?: Record<string, string>): void {
    const run = job.run;
    const details = input.executionDetails;
    if (details?.summary !== undefined) run.summary = details.summary;
    if (details?.externalExecutionId !== undefined) run.externalExecutionId = details.externalExecutionId;
    if (details?.percentComplete !== undefined) run.percentComplete = details.percentComplete;
    run.updated = new Date();
    job.status = "Succeeded";
    if (input.continuationToken) {
      this.engine.createJob(run, job.owner, input.continuationToken);
      return;
    }
    const current = input.currentRevision ? { ...input.currentRevision, created: toDate(input.currentRevision.created) } : undefined;
    if (run.decl.actionTypeId?.category === "Source") this.engine.recordSource(run, current);
    this.engine.completeAction(run, "Succeeded", { outputVariables });
  }

  jobFailure(job: JobRec, details: M.FailureDetails): void {
    job.status = "Failed";
    this.engine.completeAction(job.run, "Failed", {
      summary: details.message,
      errorDetails: { code: details.type, message: details.message },
      externalExecutionId: details.externalExecutionId,
    });
  }

  // ---- the operations ------------------------------------------------------------------------

  private createHandlers(): Handlers {
    return { ...pipelineHandlers(this), ...executionHandlers(this), ...jobHandlers(this), ...webhookHandlers(this) };
  }
}
