/**
 * The 44 CodePipeline operations over the engine's in-memory state. Inputs arrive already checked
 * against the model (required members, types, lengths, ranges, patterns, enums); this file makes
 * the checks the model cannot express and answers with the service's errors.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type * as M from "../../models/index.js";
import { checkPipeline, masked } from "./declaration.js";
import type { Engine } from "./engine.js";
import { type ExecRec, type JobRec, type PipelineRec, type WebhookRec, typeKey } from "./records.js";
import { actionExecutionDetail, stageState } from "./views.js";
import { clone, fail, page, toDate, uuid } from "./util.js";

type Handler = (input: any) => unknown;

const MAX_TAGS = 50;
const MAX_CUSTOM_TYPES = 50;
const MAX_OUTPUT_VARIABLES_BYTES = 122_880;

export class LocalService {
  readonly engine: Engine;
  /** Where the endpoint listens, for webhook URLs. */
  endpoint = "";
  readonly handlers: { [operation: string]: Handler };

  constructor(engine: Engine) {
    this.engine = engine;
    this.handlers = this.createHandlers();
  }

  private get accountId() {
    return this.engine.options.accountId;
  }

  // ---- shared checks -------------------------------------------------------------------------

  private checkTags(tags: M.Tag[] | undefined, existing: M.Tag[] = []): M.Tag[] {
    const merged = new Map(existing.map((t) => [t.key!, t.value!]));
    for (const t of tags ?? []) {
      if (t.key!.toLowerCase().startsWith("aws:")) fail("InvalidTagsException", `The tag key ${t.key} is reserved: keys starting with "aws:" belong to AWS.`);
      merged.set(t.key!, t.value!);
    }
    if (merged.size > MAX_TAGS) fail("TooManyTagsException", `A resource can have at most ${MAX_TAGS} tags; this one would have ${merged.size}.`);
    return [...merged].map(([key, value]) => ({ key, value }));
  }

  private customJob(jobId: string): JobRec {
    const job = this.engine.jobs.get(jobId);
    if (!job || job.owner !== "Custom") return fail("JobNotFoundException", `The job ${jobId} was not found.`);
    return job;
  }

  private thirdPartyJob(jobId: string, clientToken: string): JobRec {
    const job = this.engine.jobs.get(jobId);
    if (!job) return fail("JobNotFoundException", `The job ${jobId} was not found.`);
    if (job.owner !== "ThirdParty") fail("InvalidJobException", `The job ${jobId} is not a third-party job; use the job operations for custom actions.`);
    if (clientToken !== job.clientId) fail("InvalidClientTokenException", `The client token does not belong to the job ${jobId}.`);
    return job;
  }

  private checkOpenJob(job: JobRec): void {
    if (job.status === "Succeeded" || job.status === "Failed" || job.status === "TimedOut")
      fail("InvalidJobStateException", `The job ${job.id} is ${job.status} and cannot take another result.`);
    if (job.run.status !== "InProgress")
      fail("InvalidJobStateException", `The action of the job ${job.id} is ${job.run.status}; its result is no longer accepted.`);
  }

  private execution(p: PipelineRec, id: string): ExecRec {
    const e = p.executions.find((x) => x.id === id);
    if (!e) return fail("PipelineExecutionNotFoundException", `The pipeline ${p.name} has no execution ${id}.`);
    return e;
  }

  /** Action or rule runs, newest first, of the execution a list filter names (checked to exist), else all. */
  private runsFor<R extends { exec: { id: string } }>(
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

  private resource(arn: string): { tags: M.Tag[] } {
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

  private declaration(t: M.ActionType): M.ActionTypeDeclaration {
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

  private webhookItem(w: WebhookRec): M.ListWebhookItem {
    return {
      definition: clone(w.definition),
      url: `${this.endpoint}/webhooks/${w.id}`,
      arn: w.arn,
      lastTriggered: w.lastTriggered,
      tags: w.tags.length ? clone(w.tags) : undefined,
    };
  }

  private summary(e: ExecRec): M.PipelineExecutionSummary {
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

  private jobSuccess(job: JobRec, input: M.PutJobSuccessResultInput | M.PutThirdPartyJobSuccessResultInput, outputVariables?: Record<string, string>): void {
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

  private jobFailure(job: JobRec, details: M.FailureDetails): void {
    job.status = "Failed";
    this.engine.completeAction(job.run, "Failed", {
      summary: details.message,
      errorDetails: { code: details.type, message: details.message },
      externalExecutionId: details.externalExecutionId,
    });
  }

  // ---- webhooks over HTTP --------------------------------------------------------------------

  /** Handles a POST to a webhook URL: checks its authentication and filters, then starts an execution. */
  triggerWebhook(id: string, headers: Record<string, string>, body: Uint8Array, remote: string): { status: number; body: object } {
    const w = [...this.engine.webhooks.values()].find((x) => x.id === id);
    if (!w) return { status: 404, body: { message: "No webhook has this URL." } };
    const def = w.definition;
    if (def.authentication === "GITHUB_HMAC") {
      const secret = def.authenticationConfiguration?.SecretToken ?? "";
      const given = headers["x-hub-signature-256"] ?? "";
      const expected = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
      if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected)))
        return { status: 403, body: { message: "The X-Hub-Signature-256 header does not match the webhook's secret." } };
    } else if (def.authentication === "IP") {
      if (!inCidr(remote, def.authenticationConfiguration?.AllowedIPRange ?? "")) return { status: 403, body: { message: "The caller's address is not in the allowed range." } };
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body).toString("utf8") || "{}");
    } catch {
      return { status: 400, body: { message: "The webhook payload is not JSON." } };
    }
    for (const f of def.filters ?? []) {
      const value = jsonPath(payload, f.jsonPath!);
      const want = f.matchEquals?.replace(/\{(\$[^}]*)\}/g, (_, path: string) => String(jsonPath(payload, path) ?? ""));
      if (value === undefined || (want !== undefined && String(value) !== want)) return { status: 200, body: { message: "The payload does not match the webhook filters; nothing started." } };
    }
    const p = this.engine.pipelines.get(def.targetPipeline!);
    if (!p) return { status: 404, body: { message: `The pipeline ${def.targetPipeline} does not exist.` } };
    w.lastTriggered = new Date();
    const e = this.engine.startExecution(p, { triggerType: "Webhook", triggerDetail: w.arn });
    return { status: 200, body: { pipelineExecutionId: e.id } };
  }

  // ---- the operations ------------------------------------------------------------------------

  private createHandlers(): { [operation: string]: Handler } {
    const eng = this.engine;
    return {
      AcknowledgeJob: (i: M.AcknowledgeJobInput): M.AcknowledgeJobOutput => {
        const job = this.customJob(i.jobId!);
        if (i.nonce !== job.nonce) fail("InvalidNonceException", `The nonce does not match the job ${job.id}.`);
        if (job.status === "Queued" || job.status === "Dispatched") job.status = "InProgress";
        return { status: job.status };
      },

      AcknowledgeThirdPartyJob: (i: M.AcknowledgeThirdPartyJobInput): M.AcknowledgeThirdPartyJobOutput => {
        const job = this.thirdPartyJob(i.jobId!, i.clientToken!);
        if (i.nonce !== job.nonce) fail("InvalidNonceException", `The nonce does not match the job ${job.id}.`);
        if (job.status === "Queued" || job.status === "Dispatched") job.status = "InProgress";
        return { status: job.status };
      },

      CreateCustomActionType: (i: M.CreateCustomActionTypeInput): M.CreateCustomActionTypeOutput => {
        const id: M.ActionTypeId = { category: i.category, owner: "Custom", provider: i.provider, version: i.version };
        const key = typeKey(id);
        if (eng.customTypes.has(key))
          fail(
            "ValidationException",
            eng.deletedTypes.has(key)
              ? `The custom action type ${key} was deleted; create it again with a version that was never used.`
              : `The custom action type ${key} already exists.`,
          );
        const live = [...eng.customTypes.keys()].filter((k) => !eng.deletedTypes.has(k)).length;
        if (live >= MAX_CUSTOM_TYPES) fail("LimitExceededException", `An account can have at most ${MAX_CUSTOM_TYPES} custom action types.`);
        const props = i.configurationProperties ?? [];
        const names = new Set<string>();
        for (const p of props) {
          if (names.has(p.name!)) fail("ValidationException", `The configuration property ${p.name} is declared twice.`);
          names.add(p.name!);
          if (p.queryable && (!p.required || p.secret))
            fail("ValidationException", `The queryable property ${p.name} must be required and not secret.`);
        }
        if (props.filter((p) => p.queryable).length > 1) fail("ValidationException", "A custom action type can have at most one queryable property.");
        const tags = this.checkTags(i.tags);
        const actionType: M.ActionType = {
          id,
          settings: i.settings ? { ...i.settings } : undefined,
          actionConfigurationProperties: props.map((p) => ({ ...p, required: p.required ?? false, key: p.key ?? false, secret: p.secret ?? false })),
          inputArtifactDetails: { ...i.inputArtifactDetails! },
          outputArtifactDetails: { ...i.outputArtifactDetails! },
        };
        eng.customTypes.set(key, { actionType, arn: eng.arn(`actiontype:${key}`), tags });
        return { actionType: clone(actionType), tags: tags.length ? clone(tags) : undefined };
      },

      CreatePipeline: (i: M.CreatePipelineInput): M.CreatePipelineOutput => {
        const name = i.pipeline!.name!;
        if (eng.pipelines.has(name)) fail("PipelineNameInUseException", `A pipeline named ${name} already exists in account ${this.accountId}.`);
        const decl = checkPipeline(eng, i.pipeline!, 1);
        const tags = this.checkTags(i.tags);
        eng.addPipeline(decl, tags);
        return { pipeline: masked(eng, decl), tags: tags.length ? clone(tags) : undefined };
      },

      DeleteCustomActionType: (i: M.DeleteCustomActionTypeInput): object => {
        const key = typeKey({ category: i.category, owner: "Custom", provider: i.provider, version: i.version });
        if (eng.customTypes.has(key)) eng.deletedTypes.add(key);
        return {};
      },

      DeletePipeline: (i: M.DeletePipelineInput): object => {
        const p = eng.pipelines.get(i.name!);
        if (p) eng.deletePipeline(p);
        return {};
      },

      DeleteWebhook: (i: M.DeleteWebhookInput): M.DeleteWebhookOutput => {
        eng.webhooks.delete(i.name!);
        return {};
      },

      DeregisterWebhookWithThirdParty: (i: M.DeregisterWebhookWithThirdPartyInput): M.DeregisterWebhookWithThirdPartyOutput => {
        const w = i.webhookName === undefined ? undefined : eng.webhooks.get(i.webhookName);
        if (!w) fail("WebhookNotFoundException", `The webhook ${i.webhookName ?? "(no name given)"} was not found.`);
        w!.registered = false;
        return {};
      },

      DisableStageTransition: (i: M.DisableStageTransitionInput): object => {
        eng.setTransition(eng.pipeline(i.pipelineName!), i.stageName!, i.transitionType!, false, i.reason);
        return {};
      },

      EnableStageTransition: (i: M.EnableStageTransitionInput): object => {
        eng.setTransition(eng.pipeline(i.pipelineName!), i.stageName!, i.transitionType!, true);
        return {};
      },

      GetActionType: (i: M.GetActionTypeInput): M.GetActionTypeOutput => {
        const key = typeKey(i);
        const stored = eng.declarations.get(key);
        if (stored) return { actionType: clone(stored) };
        const t = eng.builtInTypes.get(key);
        if (!t) fail("ActionTypeNotFoundException", `The action type ${key} was not found.`);
        return { actionType: this.declaration(t!) };
      },

      GetJobDetails: (i: M.GetJobDetailsInput): M.GetJobDetailsOutput => {
        const job = this.customJob(i.jobId!);
        return { jobDetails: { id: job.id, data: eng.jobData(job), accountId: this.accountId } };
      },

      GetPipeline: (i: M.GetPipelineInput): M.GetPipelineOutput => {
        const p = eng.pipeline(i.name!);
        const decl = i.version === undefined ? p.decl : p.versions[i.version - 1];
        if (!decl) fail("PipelineVersionNotFoundException", `The pipeline ${p.name} has no version ${i.version}; the latest is ${p.decl.version}.`);
        return { pipeline: masked(eng, decl!), metadata: { pipelineArn: p.arn, created: p.created, updated: p.updated } };
      },

      GetPipelineExecution: (i: M.GetPipelineExecutionInput): M.GetPipelineExecutionOutput => {
        const p = eng.pipeline(i.pipelineName!);
        const e = this.execution(p, i.pipelineExecutionId!);
        return {
          pipelineExecution: {
            pipelineName: p.name,
            pipelineVersion: e.decl.version,
            pipelineExecutionId: e.id,
            status: e.status,
            statusSummary: e.statusSummary,
            artifactRevisions: clone(e.artifactRevisions),
            variables: e.variables.length ? clone(e.variables) : undefined,
            trigger: clone(e.trigger),
            executionMode: e.mode,
            executionType: e.type,
            rollbackMetadata: e.rollbackTarget ? { rollbackTargetPipelineExecutionId: e.rollbackTarget } : undefined,
          },
        };
      },

      GetPipelineState: (i: M.GetPipelineStateInput): M.GetPipelineStateOutput => {
        const p = eng.pipeline(i.name!);
        return {
          pipelineName: p.name,
          pipelineVersion: p.decl.version,
          stageStates: p.decl.stages!.map((s) => stageState(eng, p, s)),
          created: p.created,
          updated: p.updated,
        };
      },

      GetThirdPartyJobDetails: (i: M.GetThirdPartyJobDetailsInput): M.GetThirdPartyJobDetailsOutput => {
        const job = this.thirdPartyJob(i.jobId!, i.clientToken!);
        return { jobDetails: { id: job.id, data: eng.jobData(job), nonce: job.nonce } };
      },

      ListActionExecutions: (i: M.ListActionExecutionsInput): M.ListActionExecutionsOutput => {
        const p = eng.pipeline(i.pipelineName!);
        const f = i.filter;
        let runs = this.runsFor(p, p.actionRuns, f);
        if (f?.latestInPipelineExecution?.startTimeRange === "Latest") {
          const seen = new Set<string>();
          runs = runs.filter((r) => {
            const key = `${r.stage}\u0000${r.decl.name}`;
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          });
        }
        const pg = page(`actions:${p.name}`, runs, i.nextToken, i.maxResults ?? 100);
        return { actionExecutionDetails: pg.items.map((r) => actionExecutionDetail(eng, r)), nextToken: pg.nextToken };
      },

      ListActionTypes: (i: M.ListActionTypesInput): M.ListActionTypesOutput => {
        const custom = [...eng.customTypes].filter(([k]) => !eng.deletedTypes.has(k)).map(([, t]) => t.actionType);
        const all = [...eng.builtInTypes.values(), ...custom].filter((t) => !i.actionOwnerFilter || t.id.owner === i.actionOwnerFilter);
        const pg = page("actiontypes", all, i.nextToken, 100);
        return { actionTypes: clone(pg.items), nextToken: pg.nextToken };
      },

      ListDeployActionExecutionTargets: (i: M.ListDeployActionExecutionTargetsInput): M.ListDeployActionExecutionTargetsOutput => {
        if (i.pipelineName !== undefined) eng.pipeline(i.pipelineName);
        const run = eng.actionRunsById.get(i.actionExecutionId!);
        if (!run || (i.pipelineName !== undefined && run.exec.pipeline.name !== i.pipelineName))
          fail("ActionExecutionNotFoundException", `The action execution ${i.actionExecutionId} was not found.`);
        const r = run!;
        let targets: M.DeployActionExecutionTarget[] = [];
        if (r.decl.actionTypeId?.category === "Deploy") {
          const status = r.status === "InProgress" ? "InProgress" : r.status === "Succeeded" ? "Succeeded" : "Failed";
          const end = r.status === "InProgress" ? undefined : r.updated;
          targets = [
            {
              targetId: `local-${r.decl.actionTypeId.provider?.toLowerCase()}-target`,
              targetType: "Instance",
              status,
              startTime: r.start,
              endTime: end,
              events: [{ name: "Deploy", status, startTime: r.start, endTime: end, context: r.summary ? { message: r.summary } : undefined }],
            },
          ];
        }
        for (const filter of i.filters ?? [])
          if (filter.name === "TARGET_STATUS" && filter.values?.length) targets = targets.filter((t) => filter.values!.includes(t.status!));
        const pg = page(`targets:${r.id}`, targets, i.nextToken, i.maxResults ?? 100);
        return { targets: pg.items, nextToken: pg.nextToken };
      },

      ListPipelineExecutions: (i: M.ListPipelineExecutionsInput): M.ListPipelineExecutionsOutput => {
        const p = eng.pipeline(i.pipelineName!);
        let list = [...p.executions].reverse();
        const stage = i.filter?.succeededInStage?.stageName;
        if (stage !== undefined) list = list.filter((e) => e.stages.get(stage)?.status === "Succeeded");
        const pg = page(`executions:${p.name}`, list, i.nextToken, i.maxResults ?? 100);
        return { pipelineExecutionSummaries: pg.items.map((e) => this.summary(e)), nextToken: pg.nextToken };
      },

      ListPipelines: (i: M.ListPipelinesInput): M.ListPipelinesOutput => {
        const list = [...eng.pipelines.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const pg = page("pipelines", list, i.nextToken, i.maxResults ?? 1000);
        return {
          pipelines: pg.items.map((p) => ({
            name: p.name,
            version: p.decl.version,
            pipelineType: p.decl.pipelineType,
            executionMode: p.decl.executionMode,
            created: p.created,
            updated: p.updated,
          })),
          nextToken: pg.nextToken,
        };
      },

      ListRuleExecutions: (i: M.ListRuleExecutionsInput): M.ListRuleExecutionsOutput => {
        const p = eng.pipeline(i.pipelineName!);
        const runs = this.runsFor(p, p.ruleRuns, i.filter);
        const pg = page(`rules:${p.name}`, runs, i.nextToken, i.maxResults ?? 100);
        return {
          ruleExecutionDetails: pg.items.map((r) => ({
            pipelineExecutionId: r.exec.id,
            ruleExecutionId: r.id,
            pipelineVersion: r.exec.decl.version,
            stageName: r.stage,
            ruleName: r.decl.name,
            startTime: r.start,
            lastUpdateTime: r.updated,
            status: r.status,
            input: {
              ruleTypeId: clone(r.decl.ruleTypeId),
              configuration: { ...r.decl.configuration },
              resolvedConfiguration: eng.resolve(r.exec, r.decl.configuration ?? {}),
              roleArn: r.decl.roleArn,
              region: r.decl.region ?? eng.options.region,
              inputArtifacts: (r.decl.inputArtifacts ?? []).map((a) => {
                const loc = r.exec.artifacts.get(a.name!)?.location?.s3Location;
                return { name: a.name, s3location: loc ? { bucket: loc.bucketName, key: loc.objectKey } : undefined };
              }),
            },
            output:
              r.status === "InProgress"
                ? undefined
                : { executionResult: { externalExecutionSummary: r.summary, errorDetails: r.errorDetails } },
          })),
          nextToken: pg.nextToken,
        };
      },

      ListRuleTypes: (i: M.ListRuleTypesInput): M.ListRuleTypesOutput => ({
        ruleTypes: clone(eng.ruleTypes.filter((t) => !i.ruleOwnerFilter || t.id.owner === i.ruleOwnerFilter)),
      }),

      ListTagsForResource: (i: M.ListTagsForResourceInput): M.ListTagsForResourceOutput => {
        const r = this.resource(i.resourceArn!);
        const pg = page(`tags:${i.resourceArn}`, r.tags, i.nextToken, i.maxResults ?? 100);
        return { tags: clone(pg.items), nextToken: pg.nextToken };
      },

      ListWebhooks: (i: M.ListWebhooksInput): M.ListWebhooksOutput => {
        const list = [...eng.webhooks.values()];
        const pg = page("webhooks", list, i.NextToken, i.MaxResults ?? 100);
        return { webhooks: pg.items.map((w) => this.webhookItem(w)), NextToken: pg.nextToken };
      },

      OverrideStageCondition: (i: M.OverrideStageConditionInput): object => {
        eng.overrideCondition(eng.pipeline(i.pipelineName!), i.stageName!, i.pipelineExecutionId!, i.conditionType!);
        return {};
      },

      PollForJobs: (i: M.PollForJobsInput): M.PollForJobsOutput => {
        const id = i.actionTypeId!;
        if (id.owner !== "Custom") fail("ValidationException", `PollForJobs serves custom action types only; use PollForThirdPartyJobs for owner ${id.owner}.`);
        const key = typeKey(id);
        if (!eng.customTypes.has(key) || eng.deletedTypes.has(key)) fail("ActionTypeNotFoundException", `The action type ${key} was not found.`);
        const query = Object.entries(i.queryParam ?? {});
        const jobs = [...eng.jobs.values()].filter(
          (j) => j.owner === "Custom" && j.status === "Queued" && typeKey(j.run.decl.actionTypeId!) === key && query.every(([k, v]) => j.run.resolved[k] === v),
        );
        return {
          jobs: jobs.slice(0, i.maxBatchSize ?? 1).map((j) => {
            j.status = "Dispatched";
            return { id: j.id, data: eng.jobData(j), nonce: j.nonce, accountId: this.accountId };
          }),
        };
      },

      PollForThirdPartyJobs: (i: M.PollForThirdPartyJobsInput): M.PollForThirdPartyJobsOutput => {
        const id = i.actionTypeId!;
        if (id.owner !== "ThirdParty") fail("ValidationException", `PollForThirdPartyJobs serves third-party action types only; use PollForJobs for owner ${id.owner}.`);
        const key = typeKey(id);
        if (!eng.builtInTypes.has(key)) fail("ActionTypeNotFoundException", `The action type ${key} was not found.`);
        const jobs = [...eng.jobs.values()].filter((j) => j.owner === "ThirdParty" && j.status === "Queued" && typeKey(j.run.decl.actionTypeId!) === key);
        return {
          jobs: jobs.slice(0, i.maxBatchSize ?? 1).map((j) => {
            j.status = "Dispatched";
            return { clientId: j.clientId, jobId: j.id };
          }),
        };
      },

      PutActionRevision: (i: M.PutActionRevisionInput): M.PutActionRevisionOutput => {
        const p = eng.pipeline(i.pipelineName!);
        const stage = p.decl.stages!.find((s) => s.name === i.stageName);
        if (!stage) fail("StageNotFoundException", `The stage ${i.stageName} does not exist in the pipeline ${p.name}.`);
        const action = stage!.actions!.find((a) => a.name === i.actionName);
        if (!action || action.actionTypeId?.category !== "Source")
          fail("ActionNotFoundException", `The stage ${i.stageName} has no source action named ${i.actionName}.`);
        const rev = i.actionRevision!;
        const known = p.revisions.get(i.actionName!)?.revisionId === rev.revisionId || p.executions.some((e) => e.sourceRevisions.some((s) => s.actionName === i.actionName && s.revisionId === rev.revisionId));
        if (known) return { newRevision: false, pipelineExecutionId: p.executions[p.executions.length - 1]?.id };
        p.revisions.set(i.actionName!, { revisionId: rev.revisionId, revisionChangeId: rev.revisionChangeId, created: toDate(rev.created) ?? new Date() });
        const e = eng.startExecution(p, { triggerType: "PutActionRevision", triggerDetail: eng.caller }, { overrides: new Map([[i.actionName!, rev.revisionId!]]) });
        return { newRevision: true, pipelineExecutionId: e.id };
      },

      PutApprovalResult: (i: M.PutApprovalResultInput): M.PutApprovalResultOutput => {
        const p = eng.pipeline(i.pipelineName!);
        return { approvedAt: eng.approve(p, i.stageName!, i.actionName!, i.token!, i.result!) };
      },

      PutJobFailureResult: (i: M.PutJobFailureResultInput): object => {
        const job = this.customJob(i.jobId!);
        this.checkOpenJob(job);
        this.jobFailure(job, i.failureDetails!);
        return {};
      },

      PutJobSuccessResult: (i: M.PutJobSuccessResultInput): object => {
        const job = this.customJob(i.jobId!);
        this.checkOpenJob(job);
        if (i.outputVariables && i.continuationToken)
          fail("ValidationException", "outputVariables can be given only with the final result, not with a continuation token.");
        if (i.outputVariables) {
          const size = Object.entries(i.outputVariables).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
          if (size > MAX_OUTPUT_VARIABLES_BYTES)
            fail("OutputVariablesSizeExceededException", `The output variables take ${size} bytes; the most an action may produce is ${MAX_OUTPUT_VARIABLES_BYTES}.`);
        }
        this.jobSuccess(job, i, i.outputVariables);
        return {};
      },

      PutThirdPartyJobFailureResult: (i: M.PutThirdPartyJobFailureResultInput): object => {
        const job = this.thirdPartyJob(i.jobId!, i.clientToken!);
        this.checkOpenJob(job);
        this.jobFailure(job, i.failureDetails!);
        return {};
      },

      PutThirdPartyJobSuccessResult: (i: M.PutThirdPartyJobSuccessResultInput): object => {
        const job = this.thirdPartyJob(i.jobId!, i.clientToken!);
        this.checkOpenJob(job);
        this.jobSuccess(job, i);
        return {};
      },

      PutWebhook: (i: M.PutWebhookInput): M.PutWebhookOutput => {
        const def = i.webhook!;
        const p = eng.pipeline(def.targetPipeline!);
        if (!p.decl.stages![0]!.actions!.some((a) => a.name === def.targetAction))
          fail("ValidationException", `The pipeline ${p.name} has no source action named ${def.targetAction}.`);
        const auth = def.authenticationConfiguration ?? {};
        if (def.authentication === "GITHUB_HMAC" && !auth.SecretToken)
          fail("InvalidWebhookAuthenticationParametersException", "GITHUB_HMAC authentication needs authenticationConfiguration.SecretToken.");
        if (def.authentication === "IP" && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(auth.AllowedIPRange ?? ""))
          fail("InvalidWebhookAuthenticationParametersException", "IP authentication needs authenticationConfiguration.AllowedIPRange as an IPv4 CIDR block, e.g. 10.0.0.0/8.");
        for (const f of def.filters ?? [])
          if (!f.jsonPath!.startsWith("$")) fail("InvalidWebhookFilterPatternException", `The filter path ${f.jsonPath} is not a JSONPath (it must start with "$").`);
        const existing = eng.webhooks.get(def.name!);
        const tags = this.checkTags(i.tags, existing?.tags);
        const w = existing ?? { definition: def, arn: eng.arn(`webhook:${def.name}`), id: uuid(), tags, registered: false };
        w.definition = clone(def);
        w.tags = tags;
        eng.webhooks.set(def.name!, w);
        return { webhook: this.webhookItem(w) };
      },

      RegisterWebhookWithThirdParty: (i: M.RegisterWebhookWithThirdPartyInput): M.RegisterWebhookWithThirdPartyOutput => {
        const w = i.webhookName === undefined ? undefined : eng.webhooks.get(i.webhookName);
        if (!w) fail("WebhookNotFoundException", `The webhook ${i.webhookName ?? "(no name given)"} was not found.`);
        w!.registered = true;
        return {};
      },

      RetryStageExecution: (i: M.RetryStageExecutionInput): M.RetryStageExecutionOutput => {
        eng.retry(eng.pipeline(i.pipelineName!), i.stageName!, i.pipelineExecutionId!, i.retryMode!);
        return { pipelineExecutionId: i.pipelineExecutionId };
      },

      RollbackStage: (i: M.RollbackStageInput): M.RollbackStageOutput => {
        const e = eng.rollback(eng.pipeline(i.pipelineName!), i.stageName!, i.targetPipelineExecutionId!);
        return { pipelineExecutionId: e.id };
      },

      StartPipelineExecution: (i: M.StartPipelineExecutionInput): M.StartPipelineExecutionOutput => {
        const p = eng.pipeline(i.name!);
        const tokenValue = i.clientRequestToken;
        const seen = tokenValue === undefined ? undefined : p.requestTokens.get(tokenValue);
        if (seen) return { pipelineExecutionId: seen.id };
        const overrides = new Map<string, string>();
        for (const o of i.sourceRevisions ?? []) {
          const action = p.decl.stages![0]!.actions!.find((a) => a.name === o.actionName);
          if (!action) fail("ValidationException", `The source revision override names ${o.actionName}, which is not a source action of ${p.name}.`);
          overrides.set(o.actionName!, o.revisionValue!);
        }
        const e = eng.startExecution(p, { triggerType: "StartPipelineExecution", triggerDetail: eng.caller }, { variables: i.variables, overrides });
        if (tokenValue !== undefined) p.requestTokens.set(tokenValue, e);
        return { pipelineExecutionId: e.id };
      },

      StopPipelineExecution: (i: M.StopPipelineExecutionInput): M.StopPipelineExecutionOutput => {
        const p = eng.pipeline(i.pipelineName!);
        const e = p.executions.find((x) => x.id === i.pipelineExecutionId);
        if (!e) fail("PipelineExecutionNotStoppableException", `The pipeline ${p.name} has no execution ${i.pipelineExecutionId} to stop.`);
        eng.stop(e!, i.abandon ?? false, i.reason);
        return { pipelineExecutionId: e!.id };
      },

      TagResource: (i: M.TagResourceInput): M.TagResourceOutput => {
        const r = this.resource(i.resourceArn!);
        r.tags = this.checkTags(i.tags, r.tags);
        return {};
      },

      UntagResource: (i: M.UntagResourceInput): M.UntagResourceOutput => {
        const r = this.resource(i.resourceArn!);
        for (const k of i.tagKeys!) if (k.toLowerCase().startsWith("aws:")) fail("InvalidTagsException", `The tag key ${k} is reserved and cannot be removed.`);
        r.tags = r.tags.filter((t) => !i.tagKeys!.includes(t.key!));
        return {};
      },

      UpdateActionType: (i: M.UpdateActionTypeInput): object => {
        const d = i.actionType!;
        const id = d.id!;
        const key = typeKey(id);
        const t = eng.builtInTypes.get(key);
        if (!t) fail("ActionTypeNotFoundException", `The action type ${key} was not found.`);
        if (id.owner === "AWS") fail("RequestFailedException", `The action type ${key} is owned by AWS and cannot be updated.`);
        eng.declarations.set(key, clone(d));
        t!.inputArtifactDetails = { ...d.inputArtifactDetails! };
        t!.outputArtifactDetails = { ...d.outputArtifactDetails! };
        t!.actionConfigurationProperties = (d.properties ?? []).map((p) => ({
          name: p.name,
          required: !p.optional,
          key: p.key,
          secret: p.noEcho,
          queryable: p.queryable,
          description: p.description,
        }));
        return {};
      },

      UpdatePipeline: (i: M.UpdatePipelineInput): M.UpdatePipelineOutput => {
        const p = eng.pipeline(i.pipeline!.name!);
        const decl = checkPipeline(eng, i.pipeline!, p.decl.version! + 1);
        p.decl = decl;
        p.versions.push(decl);
        p.updated = new Date();
        return { pipeline: masked(eng, decl) };
      },
    };
  }
}

function jsonPath(value: unknown, path: string): unknown {
  const parts = path.replace(/^\$\.?/, "").match(/[^.[\]'"]+/g) ?? [];
  let v: any = value;
  for (const part of parts) {
    if (v === null || typeof v !== "object") return undefined;
    v = v[part];
  }
  return v;
}

function inCidr(ip: string, cidr: string): boolean {
  const addr = ip.replace(/^::ffff:/, "");
  const [base, bits] = cidr.split("/") as [string, string?];
  const toInt = (s: string) => s.split(".").reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  if (!/^\d+(\.\d+){3}$/.test(addr) || !/^\d+(\.\d+){3}$/.test(base)) return false;
  const n = Number(bits ?? 32);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (toInt(addr) & mask) === (toInt(base) & mask);
}
