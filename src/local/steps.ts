/** Actions, jobs, manual approvals and stage conditions: how one step of an execution runs and completes. */
import type * as M from "../../models/index.js";
import { type ActionRun, type CondRun, type ExecRec, type JobRec, type PipelineRec, type RuleRun, type StageRun, isApproval, runKey } from "./records.js";
import { EngineStore } from "./store.js";
import { clone, fail, hex, token, uuid } from "./util.js";

export abstract class StepRunner extends EngineStore {
  // Stage progress, defined by the engine.
  protected abstract touch(e: ExecRec): void;
  protected abstract nextGroup(e: ExecRec, sr: StageRun): void;
  protected abstract afterAction(e: ExecRec, sr: StageRun): void;
  protected abstract stageSucceeded(e: ExecRec, sr: StageRun): void;
  protected abstract stageFailed(e: ExecRec, sr: StageRun, summary: string): void;
  protected abstract stopped(e: ExecRec): void;

  // ---- actions -------------------------------------------------------------------------------

  private bucket(e: ExecRec, decl: M.ActionDeclaration): string {
    const d = e.decl;
    return d.artifactStore?.location ?? d.artifactStores?.[decl.region ?? this.options.region]?.location ?? Object.values(d.artifactStores ?? {})[0]?.location ?? "local-artifacts";
  }

  protected startAction(e: ExecRec, sr: StageRun, decl: M.ActionDeclaration): void {
    const p = e.pipeline;
    const now = new Date();
    const bucket = this.bucket(e, decl);
    const output: M.ArtifactDetail[] = (decl.outputArtifacts ?? []).map((a) => {
      const key = `${p.name.slice(0, 20)}/${a.name!.slice(0, 20)}/${token(7)}`;
      e.artifacts.set(a.name!, { name: a.name, location: { type: "S3", s3Location: { bucketName: bucket, objectKey: key } } });
      return { name: a.name, s3location: { bucket, key } };
    });
    const input: M.ArtifactDetail[] = (decl.inputArtifacts ?? []).map((a) => {
      const loc = e.artifacts.get(a.name!)?.location?.s3Location;
      return { name: a.name, s3location: loc ? { bucket: loc.bucketName, key: loc.objectKey } : undefined };
    });
    const run: ActionRun = {
      id: uuid(),
      exec: e,
      stage: sr.name,
      decl,
      status: "InProgress",
      start: now,
      updated: now,
      resolved: this.resolve(e, decl.configuration ?? {}),
      input,
      output,
    };
    sr.runs.set(decl.name!, run);
    p.actionRuns.push(run);
    p.actionLatest.set(runKey(sr.name, decl.name!), run);
    this.actionRunsById.set(run.id, run);
    this.touch(e);
    const id = decl.actionTypeId!;
    if (isApproval(id)) {
      run.token = uuid();
      return;
    }
    if (id.owner === "Custom" || id.owner === "ThirdParty") {
      this.createJob(run, id.owner);
      return;
    }
    run.timer = this.later(this.options.actionDelayMs, () => {
      run.timer = undefined;
      const f = this.takeFailure("action", p.name, sr.name, decl.name!);
      if (f) return this.completeAction(run, "Failed", { summary: f.message ?? "Action failed", errorDetails: { code: f.code ?? "JobFailed", message: f.message ?? "Action failed" } });
      if (id.category === "Source") this.recordSource(run);
      this.completeAction(run, "Succeeded", { summary: `${id.provider} action succeeded`, externalExecutionId: hex(8) });
    });
  }

  /** Replaces `#{namespace.name}` references with the values this execution knows. */
  resolve(e: ExecRec, config: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config))
      out[k] = v.replace(/#\{([A-Za-z0-9@\-_]+)\.([^}]+)\}/g, (whole, ns: string, name: string) => {
        if (ns === "variables") return e.variables.find((x) => x.name === name)?.resolvedValue ?? whole;
        if (ns === "codepipeline" && name === "PipelineExecutionId") return e.id;
        return e.outputVariables.get(ns)?.[name] ?? whole;
      });
    return out;
  }

  /** The revision a source action produced, from an override, `PutActionRevision`, a job or a new one. */
  recordSource(run: ActionRun, current?: M.CurrentRevision): void {
    const e = run.exec;
    const name = run.decl.name!;
    const put = e.pipeline.revisions.get(name);
    const revisionId = current?.revision ?? e.overrides.get(name) ?? put?.revisionId ?? hex(20);
    const changeId = current?.changeIdentifier ?? (put?.revisionId === revisionId ? put.revisionChangeId : undefined) ?? revisionId.slice(0, 12);
    const created = (current?.created as Date | undefined) ?? (put?.revisionId === revisionId ? put.created : undefined) ?? new Date();
    const summary = current?.revisionSummary ?? `Revision ${revisionId.slice(0, 12)}`;
    e.pipeline.revisions.set(name, { revisionId, revisionChangeId: changeId, created });
    for (const a of run.decl.outputArtifacts ?? []) {
      const art = e.artifacts.get(a.name!);
      if (art) art.revision = revisionId;
      e.artifactRevisions = e.artifactRevisions.filter((r) => r.name !== a.name);
      e.artifactRevisions.push({ name: a.name, revisionId, revisionChangeIdentifier: changeId, revisionSummary: summary, created });
    }
    e.sourceRevisions = e.sourceRevisions.filter((r) => r.actionName !== name);
    e.sourceRevisions.push({ actionName: name, revisionId, revisionSummary: summary });
  }

  completeAction(
    run: ActionRun,
    status: "Succeeded" | "Failed" | "Abandoned",
    details: { summary?: string; errorDetails?: M.ErrorDetails; externalExecutionId?: string; outputVariables?: Record<string, string>; updatedBy?: string } = {},
  ): void {
    if (run.status !== "InProgress") return;
    this.cancel(run.timer);
    run.timer = undefined;
    run.status = status;
    run.updated = new Date();
    if (details.summary !== undefined) run.summary = details.summary;
    if (details.errorDetails) run.errorDetails = details.errorDetails;
    if (details.externalExecutionId) run.externalExecutionId = details.externalExecutionId;
    if (details.updatedBy) run.updatedBy = details.updatedBy;
    if (details.outputVariables) run.outputVariables = details.outputVariables;
    const ns = run.decl.namespace;
    if (ns && status === "Succeeded") run.exec.outputVariables.set(ns, { ...run.outputVariables });
    for (const job of this.jobs.values()) if (job.run === run && (job.status === "Queued" || job.status === "Dispatched" || job.status === "InProgress")) job.status = status === "Succeeded" ? "Succeeded" : "Failed";
    const sr = run.exec.stages.get(run.stage);
    if (sr && sr.runs.get(run.decl.name!) === run) this.afterAction(run.exec, sr);
  }

  /**
   * Hands a queued job to a poller. A job nobody acknowledges within `jobAcknowledgeTimeoutMs`
   * (the poll's answer was lost, or its worker died) goes back in the queue with a new nonce, so
   * the next poll gets it and a late acknowledgement of the old hand-out is refused.
   */
  dispatch(job: JobRec): void {
    job.status = "Dispatched";
    this.cancel(job.dispatchTimer);
    job.dispatchTimer = this.later(this.options.jobAcknowledgeTimeoutMs, () => {
      job.dispatchTimer = undefined;
      if (job.status !== "Dispatched") return;
      job.status = "Queued";
      job.nonce = nonce();
    });
  }

  acknowledged(job: JobRec): void {
    job.status = "InProgress";
    this.cancel(job.dispatchTimer);
    job.dispatchTimer = undefined;
  }

  createJob(run: ActionRun, owner: "Custom" | "ThirdParty", continuationToken?: string): JobRec {
    const job: JobRec = {
      id: uuid(),
      nonce: nonce(),
      status: "Queued",
      owner,
      run,
      clientId: owner === "ThirdParty" ? uuid() : undefined,
      continuationToken,
      credentials: { accessKeyId: `ASIA${token(16).toUpperCase()}`, secretAccessKey: token(40), sessionToken: token(64) },
    };
    this.jobs.set(job.id, job);
    return job;
  }

  /** What a job worker gets to know about its job. */
  jobData(job: JobRec): M.JobData {
    const run = job.run;
    const e = run.exec;
    const art = (name: string | undefined): M.Artifact => clone(e.artifacts.get(name!) ?? { name });
    const key = e.decl.artifactStore?.encryptionKey ?? e.decl.artifactStores?.[run.decl.region ?? this.options.region]?.encryptionKey;
    return {
      actionTypeId: clone(run.decl.actionTypeId),
      actionConfiguration: { configuration: { ...run.resolved } },
      pipelineContext: {
        pipelineName: e.pipeline.name,
        stage: { name: run.stage },
        action: { name: run.decl.name, actionExecutionId: run.id },
        pipelineArn: e.pipeline.arn,
        pipelineExecutionId: e.id,
      },
      inputArtifacts: (run.decl.inputArtifacts ?? []).map((a) => art(a.name)),
      outputArtifacts: (run.decl.outputArtifacts ?? []).map((a) => art(a.name)),
      artifactCredentials: { ...job.credentials },
      continuationToken: job.continuationToken,
      encryptionKey: key ? clone(key) : undefined,
    };
  }

  // ---- approvals -----------------------------------------------------------------------------

  approve(p: PipelineRec, stageName: string, actionName: string, tokenValue: string, result: M.ApprovalResult): Date {
    const stage = p.decl.stages!.find((s) => s.name === stageName);
    if (!stage) fail("StageNotFoundException", `The stage ${stageName} does not exist in the pipeline ${p.name}.`);
    const action = stage!.actions!.find((a) => a.name === actionName);
    if (!action || !isApproval(action.actionTypeId))
      fail("ActionNotFoundException", `The stage ${stageName} of the pipeline ${p.name} has no manual approval action named ${actionName}.`);
    const run = p.actionRuns.find((r) => r.token === tokenValue && r.stage === stageName && r.decl.name === actionName);
    if (!run) return fail("InvalidApprovalTokenException", `The approval token is not valid for the action ${actionName} in stage ${stageName}.`);
    if (run.status === "Succeeded" || (run.status === "Failed" && run.approvedAt))
      fail("ApprovalAlreadyCompletedException", `The approval for the action ${actionName} was already ${run.status === "Succeeded" ? "approved" : "rejected"}.`);
    if (run.status !== "InProgress" || p.actionLatest.get(runKey(stageName, actionName)) !== run)
      fail("InvalidApprovalTokenException", `The approval token is outdated: the approval it belongs to is no longer waiting (status ${run.status}).`);
    const now = new Date();
    run.approvedAt = now;
    const approved = result.status === "Approved";
    this.completeAction(run, approved ? "Succeeded" : "Failed", {
      summary: result.summary || (approved ? "Approved" : "Rejected"),
      updatedBy: this.caller,
      errorDetails: approved ? undefined : { code: "JobFailed", message: `Rejected${result.summary ? `: ${result.summary}` : ""}` },
    });
    return now;
  }

  // ---- conditions ----------------------------------------------------------------------------

  protected startCondition(e: ExecRec, sr: StageRun, type: M.ConditionType, cond: M.Condition): void {
    const c: CondRun = { type, status: "InProgress", updated: new Date(), rules: [] };
    sr.conditions.set(type, c);
    const p = e.pipeline;
    for (const decl of cond.rules ?? []) {
      const now = new Date();
      const rule: RuleRun = { id: uuid(), exec: e, stage: sr.name, decl, status: "InProgress", start: now, updated: now };
      c.rules.push(rule);
      p.ruleRuns.push(rule);
      rule.timer = this.later(this.options.actionDelayMs, () => {
        rule.timer = undefined;
        const f = this.takeFailure("rule", p.name, sr.name, decl.name!);
        rule.status = f ? "Failed" : "Succeeded";
        rule.updated = new Date();
        rule.summary = f ? (f.message ?? "Rule failed") : "Rule succeeded";
        if (f) rule.errorDetails = { code: f.code ?? "RuleFailed", message: f.message ?? "Rule failed" };
        this.afterRule(e, sr, c);
      });
    }
  }

  private afterRule(e: ExecRec, sr: StageRun, c: CondRun): void {
    if (c.status !== "InProgress" || c.rules.some((r) => r.status === "InProgress")) return;
    const failed = c.rules.find((r) => r.status === "Failed");
    c.status = failed ? "Failed" : "Succeeded";
    c.updated = new Date();
    c.summary = failed ? `Rule ${failed.decl.name} failed` : "All rules succeeded";
    this.afterCondition(e, sr, c);
  }

  private afterCondition(e: ExecRec, sr: StageRun, c: CondRun): void {
    if (e.status === "Stopping") return this.stopped(e);
    if (e.status !== "InProgress") return;
    if (c.status === "Failed") return this.stageFailed(e, sr, `The ${c.type} condition failed: ${c.summary}`);
    if (c.type === "BEFORE_ENTRY") this.nextGroup(e, sr);
    else this.stageSucceeded(e, sr);
  }

  overrideCondition(p: PipelineRec, stageName: string, executionId: string, type: M.ConditionType): void {
    if (!p.decl.stages!.some((s) => s.name === stageName))
      fail("StageNotFoundException", `The stage ${stageName} does not exist in the pipeline ${p.name}.`);
    const slot = p.slots.get(stageName);
    if (slot?.latest?.id !== executionId)
      fail("NotLatestPipelineExecutionException", `The execution ${executionId} is not the latest execution of stage ${stageName}.`);
    const e = slot!.latest!;
    const sr = e.stages.get(stageName);
    const c = sr?.conditions.get(type);
    if (!sr || !c || c.status !== "InProgress" || e.status !== "InProgress")
      fail("ConditionNotOverridableException", `The ${type} condition of stage ${stageName} is not being evaluated, so it cannot be overridden.`);
    for (const r of c!.rules)
      if (r.status === "InProgress") {
        this.cancel(r.timer);
        r.status = "Abandoned";
        r.updated = new Date();
      }
    c!.status = "Overridden";
    c!.summary = "Overridden";
    c!.updated = new Date();
    this.afterCondition(e, sr!, c!);
  }

}

const nonce = () => String(Math.floor(Math.random() * 1e9));
