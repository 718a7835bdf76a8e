/**
 * The in-memory state of the local endpoint and the machine that runs pipeline executions:
 * stages in order, actions by run order, stage locks per execution mode, transitions,
 * stage conditions, jobs for custom and third-party actions, manual approvals, stop, retry
 * and rollback.
 */
import type * as M from "../../models/index.js";
import { builtInActionTypes, builtInRuleTypes } from "./catalog.js";
import { clone, fail, hex, token, uuid } from "./util.js";

export interface EngineOptions {
  region: string;
  accountId: string;
  actionDelayMs: number;
  startExecutionOnCreate: boolean;
}

/** Which action or rule runs a failure applies to (see `failAction`, `failRule`). */
export interface FailureMatch {
  /** Only runs in this pipeline fail; any pipeline when absent. */
  pipelineName?: string;
  /** Only runs in this stage fail; any stage when absent. */
  stageName?: string;
  /** The action name (for `failAction`) or the rule name (for `failRule`). */
  name: string;
  /** Error summary reported for the failed run. Default: "Action failed" / "Rule failed". */
  message?: string;
  /** Error code reported in the run's `errorDetails`. Default: "JobFailed". */
  code?: string;
  /** How many runs fail. Default: 1. Use `Infinity` for every run. */
  times?: number;
}

export interface TransitionRec {
  enabled: boolean;
  lastChangedBy: string;
  lastChangedAt: Date;
  disabledReason?: string;
}

export interface PipelineRec {
  name: string;
  arn: string;
  decl: M.PipelineDeclaration;
  versions: M.PipelineDeclaration[];
  created: Date;
  updated: Date;
  tags: M.Tag[];
  inbound: Map<string, TransitionRec>;
  outbound: Map<string, TransitionRec>;
  executions: ExecRec[];
  slots: Map<string, Slot>;
  actionLatest: Map<string, ActionRun>;
  revisions: Map<string, M.ActionRevision>;
  requestTokens: Map<string, ExecRec>;
  actionRuns: ActionRun[];
  ruleRuns: RuleRun[];
}

interface Slot {
  occupant?: ExecRec;
  waiting: ExecRec[];
  latest?: ExecRec;
}

export interface ExecRec {
  id: string;
  pipeline: PipelineRec;
  decl: M.PipelineDeclaration;
  status: M.PipelineExecutionStatus;
  statusSummary?: string;
  start: Date;
  updated: Date;
  trigger: M.ExecutionTrigger;
  mode: M.ExecutionMode;
  type: M.ExecutionType;
  rollbackTarget?: string;
  variables: M.ResolvedPipelineVariable[];
  overrides: Map<string, string>;
  artifactRevisions: M.ArtifactRevision[];
  sourceRevisions: M.SourceRevision[];
  stopTrigger?: M.StopExecutionTrigger;
  first: number;
  last: number;
  current: number;
  stages: Map<string, StageRun>;
  outputVariables: Map<string, Record<string, string>>;
  artifacts: Map<string, M.Artifact>;
}

export interface StageRun {
  name: string;
  index: number;
  status: M.StageExecutionStatus;
  runs: Map<string, ActionRun>;
  retry?: M.RetryStageMetadata;
  autoRetries: number;
  conditions: Map<string, CondRun>;
}

export interface ActionRun {
  id: string;
  exec: ExecRec;
  stage: string;
  decl: M.ActionDeclaration;
  status: M.ActionExecutionStatus;
  start: Date;
  updated: Date;
  summary?: string;
  token?: string;
  approvedAt?: Date;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  percentComplete?: number;
  errorDetails?: M.ErrorDetails;
  outputVariables?: Record<string, string>;
  resolved: Record<string, string>;
  input: M.ArtifactDetail[];
  output: M.ArtifactDetail[];
  timer?: NodeJS.Timeout;
  updatedBy?: string;
}

export interface CondRun {
  type: M.ConditionType;
  status: M.ConditionExecutionStatus;
  summary?: string;
  updated: Date;
  rules: RuleRun[];
}

export interface RuleRun {
  id: string;
  exec: ExecRec;
  stage: string;
  decl: M.RuleDeclaration;
  status: M.RuleExecutionStatus;
  start: Date;
  updated: Date;
  summary?: string;
  errorDetails?: M.ErrorDetails;
  timer?: NodeJS.Timeout;
}

export interface JobRec {
  id: string;
  nonce: string;
  status: M.JobStatus;
  owner: "Custom" | "ThirdParty";
  run: ActionRun;
  clientId?: string;
  continuationToken?: string;
  credentials: M.AWSSessionCredentials;
}

export interface CustomTypeRec {
  actionType: M.ActionType;
  arn: string;
  tags: M.Tag[];
}

export interface WebhookRec {
  definition: M.WebhookDefinition;
  arn: string;
  id: string;
  tags: M.Tag[];
  lastTriggered?: Date;
  registered: boolean;
}

export const typeKey = (id: { category?: string; owner?: string; provider?: string; version?: string }): string =>
  `${id.owner}/${id.category}/${id.provider}/${id.version}`;

const runKey = (stage: string, action: string): string => `${stage}\u0000${action}`;

export const isApproval = (id: M.ActionTypeId | undefined): boolean =>
  id?.category === "Approval" && id.owner === "AWS" && id.provider === "Manual";

export class Engine {
  readonly options: EngineOptions;
  readonly pipelines = new Map<string, PipelineRec>();
  readonly customTypes = new Map<string, CustomTypeRec>();
  readonly deletedTypes = new Set<string>();
  readonly builtInTypes = new Map<string, M.ActionType>();
  readonly declarations = new Map<string, M.ActionTypeDeclaration>();
  readonly ruleTypes: M.RuleType[];
  readonly jobs = new Map<string, JobRec>();
  readonly webhooks = new Map<string, WebhookRec>();
  readonly actionRunsById = new Map<string, ActionRun>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failures: (FailureMatch & { kind: "action" | "rule"; left: number })[] = [];
  /** Who the endpoint says changed things (`lastChangedBy`, `triggerDetail`). */
  readonly caller: string;

  constructor(options: EngineOptions) {
    this.options = options;
    this.caller = `arn:aws:iam::${options.accountId}:user/local`;
    for (const t of builtInActionTypes()) this.builtInTypes.set(typeKey(t.id), t);
    this.ruleTypes = builtInRuleTypes();
  }

  // ---- helpers -------------------------------------------------------------------------------

  arn(resource: string): string {
    return `arn:aws:codepipeline:${this.options.region}:${this.options.accountId}:${resource}`;
  }

  /** An action type a pipeline can use: built in, or a custom type that was created and not deleted. */
  actionType(id: M.ActionTypeId | undefined): M.ActionType | undefined {
    if (!id) return undefined;
    const key = typeKey(id);
    return this.builtInTypes.get(key) ?? this.customTypes.get(key)?.actionType;
  }

  later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  stopTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  addFailure(kind: "action" | "rule", match: FailureMatch): void {
    this.failures.push({ ...match, kind, left: match.times ?? 1 });
  }

  private takeFailure(kind: "action" | "rule", pipelineName: string, stageName: string, name: string) {
    const i = this.failures.findIndex(
      (f) =>
        f.kind === kind &&
        f.name === name &&
        (f.pipelineName === undefined || f.pipelineName === pipelineName) &&
        (f.stageName === undefined || f.stageName === stageName),
    );
    if (i < 0) return undefined;
    const f = this.failures[i]!;
    if (--f.left <= 0) this.failures.splice(i, 1);
    return f;
  }

  pipeline(name: string): PipelineRec {
    const p = this.pipelines.get(name);
    if (!p) return fail("PipelineNotFoundException", `The pipeline named ${name} does not exist in account ${this.options.accountId}.`);
    return p;
  }

  private slot(p: PipelineRec, stage: string): Slot {
    let s = p.slots.get(stage);
    if (!s) p.slots.set(stage, (s = { waiting: [] }));
    return s;
  }

  // ---- pipelines -----------------------------------------------------------------------------

  addPipeline(decl: M.PipelineDeclaration, tags: M.Tag[]): PipelineRec {
    const now = new Date();
    const p: PipelineRec = {
      name: decl.name!,
      arn: this.arn(decl.name!),
      decl,
      versions: [decl],
      created: now,
      updated: now,
      tags,
      inbound: new Map(),
      outbound: new Map(),
      executions: [],
      slots: new Map(),
      actionLatest: new Map(),
      revisions: new Map(),
      requestTokens: new Map(),
      actionRuns: [],
      ruleRuns: [],
    };
    this.pipelines.set(p.name, p);
    if (this.options.startExecutionOnCreate) this.startExecution(p, { triggerType: "CreatePipeline", triggerDetail: this.caller });
    return p;
  }

  deletePipeline(p: PipelineRec): void {
    for (const e of p.executions) this.halt(e);
    for (const [id, job] of this.jobs) if (job.run.exec.pipeline === p) this.jobs.delete(id);
    for (const r of p.actionRuns) this.actionRunsById.delete(r.id);
    this.pipelines.delete(p.name);
  }

  /** Cancels every timer of an execution, without changing its status. */
  private halt(e: ExecRec): void {
    for (const sr of e.stages.values()) {
      for (const r of sr.runs.values()) this.cancel(r.timer);
      for (const c of sr.conditions.values()) for (const r of c.rules) this.cancel(r.timer);
    }
  }

  // ---- executions ----------------------------------------------------------------------------

  startExecution(
    p: PipelineRec,
    trigger: M.ExecutionTrigger,
    opts: {
      variables?: M.PipelineVariable[];
      overrides?: Map<string, string>;
      rollbackOf?: ExecRec;
      stageIndex?: number;
    } = {},
  ): ExecRec {
    const decl = p.decl;
    const mode = decl.executionMode ?? "SUPERSEDED";
    if (mode !== "SUPERSEDED") {
      const running = p.executions.filter((e) => e.status === "InProgress" || e.status === "Stopping").length;
      if (running >= 50)
        fail("ConcurrentPipelineExecutionsLimitExceededException", `The pipeline ${p.name} already has ${running} executions in progress, the most ${mode} mode allows.`);
    }
    const given = new Map((opts.variables ?? []).map((v) => [v.name!, v.value!]));
    const declared = decl.variables ?? [];
    for (const name of given.keys())
      if (!declared.some((d) => d.name === name)) fail("ValidationException", `The pipeline ${p.name} does not declare the variable ${name}.`);
    const variables: M.ResolvedPipelineVariable[] = declared.map((d) => {
      const value = given.get(d.name!) ?? d.defaultValue;
      if (value === undefined) fail("ValidationException", `The pipeline variable ${d.name} has no default value and needs a value to start an execution.`);
      return { name: d.name, resolvedValue: value };
    });
    const now = new Date();
    const rb = opts.rollbackOf;
    const e: ExecRec = {
      id: uuid(),
      pipeline: p,
      decl,
      status: "InProgress",
      start: now,
      updated: now,
      trigger,
      mode,
      type: rb ? "ROLLBACK" : "STANDARD",
      rollbackTarget: rb?.id,
      variables: rb ? clone(rb.variables) : variables,
      overrides: opts.overrides ?? new Map(),
      artifactRevisions: rb ? clone(rb.artifactRevisions) : [],
      sourceRevisions: rb ? clone(rb.sourceRevisions) : [],
      first: opts.stageIndex ?? 0,
      last: opts.stageIndex ?? decl.stages!.length - 1,
      current: -1,
      stages: new Map(),
      outputVariables: rb ? new Map([...rb.outputVariables].map(([k, v]) => [k, { ...v }])) : new Map(),
      artifacts: rb ? new Map([...rb.artifacts].map(([k, v]) => [k, clone(v)])) : new Map(),
    };
    p.executions.push(e);
    this.enter(e, e.first);
    return e;
  }

  private touch(e: ExecRec): void {
    e.updated = new Date();
  }

  transitionBlocked(p: PipelineRec, decl: M.PipelineDeclaration, i: number): boolean {
    const stage = decl.stages![i]!;
    if (p.inbound.get(stage.name!)?.enabled === false) return true;
    const prev = decl.stages![i - 1];
    return prev !== undefined && p.outbound.get(prev.name!)?.enabled === false;
  }

  private blocked(e: ExecRec, i: number): boolean {
    if (this.transitionBlocked(e.pipeline, e.decl, i)) return true;
    const occupant = this.slot(e.pipeline, e.decl.stages![i]!.name!).occupant;
    return e.mode !== "PARALLEL" && occupant !== undefined && occupant !== e;
  }

  /** Moves an execution to the inbound of stage `i`, or finishes it after its last stage. */
  private enter(e: ExecRec, i: number): void {
    if (e.status !== "InProgress") return;
    if (i > e.last) return this.finish(e, "Succeeded");
    e.current = i;
    this.touch(e);
    const stage = e.decl.stages![i]!;
    if (!this.blocked(e, i)) return this.runStage(e, i, false);
    const slot = this.slot(e.pipeline, stage.name!);
    if (e.mode === "SUPERSEDED")
      for (const w of slot.waiting.splice(0)) {
        w.statusSummary = `A newer execution (${e.id}) superseded this one at the entry of stage ${stage.name}.`;
        this.finish(w, "Superseded");
      }
    slot.waiting.push(e);
  }

  /** Starts the executions waiting at stage `name` that may now enter it. */
  pump(p: PipelineRec, name: string): void {
    const slot = p.slots.get(name);
    if (!slot) return;
    for (const w of [...slot.waiting]) {
      if (w.status !== "InProgress") {
        slot.waiting.splice(slot.waiting.indexOf(w), 1);
        continue;
      }
      if (this.blocked(w, w.current)) {
        if (w.mode === "PARALLEL") continue;
        return;
      }
      slot.waiting.splice(slot.waiting.indexOf(w), 1);
      this.runStage(w, w.current, false);
    }
  }

  private release(e: ExecRec, i: number): void {
    const name = e.decl.stages![i]!.name!;
    const slot = this.slot(e.pipeline, name);
    if (slot.occupant === e) slot.occupant = undefined;
    this.pump(e.pipeline, name);
  }

  private runStage(e: ExecRec, i: number, retry: boolean): void {
    const stage = e.decl.stages![i]!;
    const slot = this.slot(e.pipeline, stage.name!);
    if (e.mode !== "PARALLEL") slot.occupant = e;
    slot.latest = e;
    e.current = i;
    let sr = e.stages.get(stage.name!);
    if (!sr) e.stages.set(stage.name!, (sr = { name: stage.name!, index: i, status: "InProgress", runs: new Map(), autoRetries: 0, conditions: new Map() }));
    sr.status = "InProgress";
    this.touch(e);
    const before = stage.beforeEntry?.conditions?.[0];
    if (before && !retry) return this.startCondition(e, sr, "BEFORE_ENTRY", before);
    this.nextGroup(e, sr);
  }

  private nextGroup(e: ExecRec, sr: StageRun): void {
    if (e.status === "Stopping") return this.stopped(e);
    const stage = e.decl.stages![sr.index]!;
    const pending = stage.actions!.filter((a) => sr.runs.get(a.name!)?.status !== "Succeeded");
    if (!pending.length) {
      const after = stage.onSuccess?.conditions?.[0];
      if (after) return this.startCondition(e, sr, "ON_SUCCESS", after);
      return this.stageSucceeded(e, sr);
    }
    const order = Math.min(...pending.map((a) => a.runOrder ?? 1));
    for (const a of pending) if ((a.runOrder ?? 1) === order) this.startAction(e, sr, a);
  }

  private afterAction(e: ExecRec, sr: StageRun): void {
    if (e.current !== sr.index || (e.status !== "InProgress" && e.status !== "Stopping")) return;
    const runs = [...sr.runs.values()];
    if (runs.some((r) => r.status === "InProgress")) return;
    if (e.status === "Stopping") return this.stopped(e);
    const failed = runs.find((r) => r.status === "Failed");
    if (failed) return this.stageFailed(e, sr, `Action ${failed.decl.name} failed${failed.summary ? `: ${failed.summary}` : ""}`);
    this.nextGroup(e, sr);
  }

  private stageSucceeded(e: ExecRec, sr: StageRun): void {
    sr.status = "Succeeded";
    this.touch(e);
    this.release(e, sr.index);
    this.enter(e, sr.index + 1);
  }

  private stageFailed(e: ExecRec, sr: StageRun, summary: string): void {
    const stage = e.decl.stages![sr.index]!;
    if (stage.onFailure?.result === "RETRY" && sr.autoRetries < 1) {
      sr.autoRetries++;
      sr.retry = { ...sr.retry, autoStageRetryAttempt: sr.autoRetries, latestRetryTrigger: "AutomatedStageRetry" };
      this.resetRuns(sr, stage.onFailure.retryConfiguration?.retryMode ?? "FAILED_ACTIONS");
      this.later(this.options.actionDelayMs, () => {
        if (e.status === "InProgress" && e.current === sr.index) this.nextGroup(e, sr);
      });
      return;
    }
    sr.status = "Failed";
    e.statusSummary = `Stage ${sr.name} failed. ${summary}`;
    this.finish(e, "Failed");
    this.release(e, sr.index);
  }

  private finish(e: ExecRec, status: M.PipelineExecutionStatus): void {
    e.status = status;
    this.touch(e);
    if (status === "Succeeded") e.statusSummary = undefined;
    for (const slot of e.pipeline.slots.values()) {
      const i = slot.waiting.indexOf(e);
      if (i >= 0) slot.waiting.splice(i, 1);
    }
  }

  private resetRuns(sr: StageRun, mode: M.StageRetryMode): void {
    if (mode === "ALL_ACTIONS") sr.runs.clear();
    else for (const [name, r] of sr.runs) if (r.status !== "Succeeded") sr.runs.delete(name);
    sr.conditions.delete("ON_SUCCESS");
  }

  // ---- actions -------------------------------------------------------------------------------

  private bucket(e: ExecRec, decl: M.ActionDeclaration): string {
    const d = e.decl;
    return d.artifactStore?.location ?? d.artifactStores?.[decl.region ?? this.options.region]?.location ?? Object.values(d.artifactStores ?? {})[0]?.location ?? "local-artifacts";
  }

  private startAction(e: ExecRec, sr: StageRun, decl: M.ActionDeclaration): void {
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

  createJob(run: ActionRun, owner: "Custom" | "ThirdParty", continuationToken?: string): JobRec {
    const job: JobRec = {
      id: uuid(),
      nonce: String(Math.floor(Math.random() * 1e9)),
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

  private startCondition(e: ExecRec, sr: StageRun, type: M.ConditionType, cond: M.Condition): void {
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

  // ---- stop, retry, rollback -----------------------------------------------------------------

  stop(e: ExecRec, abandon: boolean, reason: string | undefined): void {
    if (e.status === "Stopping" && !abandon)
      fail("DuplicatedStopRequestException", `The execution ${e.id} is already stopping. Stop it again with abandon to abandon its running actions.`);
    if (e.status !== "InProgress" && e.status !== "Stopping")
      fail("PipelineExecutionNotStoppableException", `The execution ${e.id} is ${e.status} and cannot be stopped.`);
    e.stopTrigger = { reason: reason ?? e.stopTrigger?.reason };
    e.status = "Stopping";
    this.touch(e);
    const stage = e.decl.stages![e.current];
    const sr = stage && e.stages.get(stage.name!);
    if (!sr || (sr.status !== "InProgress" && sr.status !== "Stopping")) return this.stopped(e);
    sr.status = "Stopping";
    for (const c of sr.conditions.values())
      if (c.status === "InProgress") {
        for (const r of c.rules)
          if (r.status === "InProgress") {
            this.cancel(r.timer);
            r.status = "Abandoned";
            r.updated = new Date();
          }
        c.status = "Abandoned";
        c.updated = new Date();
      }
    for (const r of sr.runs.values())
      if (r.status === "InProgress" && (abandon || r.token)) this.completeAction(r, "Abandoned", { summary: abandon ? "Abandoned by a stop request" : "Stopped" });
    if (![...sr.runs.values()].some((r) => r.status === "InProgress") && e.status === "Stopping") this.stopped(e);
  }

  private stopped(e: ExecRec): void {
    const stage = e.decl.stages![e.current];
    const sr = stage && e.stages.get(stage.name!);
    if (sr && (sr.status === "InProgress" || sr.status === "Stopping")) sr.status = "Stopped";
    this.finish(e, "Stopped");
    if (stage && sr) this.release(e, e.current);
  }

  retry(p: PipelineRec, stageName: string, executionId: string, mode: M.StageRetryMode): void {
    const i = p.decl.stages!.findIndex((s) => s.name === stageName);
    if (i < 0) fail("StageNotFoundException", `The stage ${stageName} does not exist in the pipeline ${p.name}.`);
    const slot = p.slots.get(stageName);
    const e = p.executions.find((x) => x.id === executionId);
    if (!e || slot?.latest !== e)
      fail("NotLatestPipelineExecutionException", `The execution ${executionId} is not the latest execution of stage ${stageName}, so the stage cannot be retried for it.`);
    const sr = e!.stages.get(stageName);
    if (!sr) return fail("StageNotRetryableException", `The execution ${executionId} did not run stage ${stageName}.`);
    if (sr.status !== "Failed" && sr.status !== "Stopped")
      fail("StageNotRetryableException", `The stage ${stageName} is ${sr.status} in execution ${executionId}; only a failed or stopped stage can be retried.`);
    if (e!.decl.version !== p.decl.version)
      fail("StageNotRetryableException", `The pipeline was updated (version ${e!.decl.version} to ${p.decl.version}) since execution ${executionId} ran.`);
    if (slot!.occupant && slot!.occupant !== e)
      fail("ConflictException", `Another execution (${slot!.occupant.id}) is running in stage ${stageName}.`);
    sr.retry = { ...sr.retry, manualStageRetryAttempt: (sr.retry?.manualStageRetryAttempt ?? 0) + 1, latestRetryTrigger: "ManualStageRetry" };
    this.resetRuns(sr, mode);
    e!.status = "InProgress";
    e!.statusSummary = undefined;
    e!.stopTrigger = undefined;
    this.runStage(e!, i, true);
  }

  rollback(p: PipelineRec, stageName: string, targetId: string): ExecRec {
    const i = p.decl.stages!.findIndex((s) => s.name === stageName);
    if (i < 0) fail("StageNotFoundException", `The stage ${stageName} does not exist in the pipeline ${p.name}.`);
    const target = p.executions.find((x) => x.id === targetId);
    if (!target) return fail("PipelineExecutionNotFoundException", `The pipeline ${p.name} has no execution ${targetId}.`);
    if ((p.decl.pipelineType ?? "V1") !== "V2")
      fail("UnableToRollbackStageException", `Rollback needs a V2 pipeline; ${p.name} is ${p.decl.pipelineType ?? "V1"}.`);
    if (target.stages.get(stageName)?.status !== "Succeeded")
      fail("UnableToRollbackStageException", `The execution ${targetId} did not succeed in stage ${stageName}, so it cannot be a rollback target.`);
    if (target.decl.version !== p.decl.version)
      fail("PipelineExecutionOutdatedException", `The execution ${targetId} ran pipeline version ${target.decl.version}; the pipeline is now at version ${p.decl.version}.`);
    const slot = this.slot(p, stageName);
    if (slot.occupant) fail("ConflictException", `The execution ${slot.occupant.id} is running in stage ${stageName}; wait for it to finish before rolling back.`);
    if (slot.latest === target) fail("UnableToRollbackStageException", `The execution ${targetId} is already the latest execution of stage ${stageName}.`);
    const overrides = new Map(target.sourceRevisions.map((r) => [r.actionName!, r.revisionId!]));
    return this.startExecution(p, { triggerType: "ManualRollback", triggerDetail: this.caller }, { rollbackOf: target, overrides, stageIndex: i });
  }

  // ---- transitions ---------------------------------------------------------------------------

  setTransition(p: PipelineRec, stageName: string, type: M.StageTransitionType, enabled: boolean, reason?: string): void {
    if (!p.decl.stages!.some((s) => s.name === stageName))
      fail("StageNotFoundException", `The stage ${stageName} does not exist in the pipeline ${p.name}.`);
    const map = type === "Outbound" ? p.outbound : p.inbound;
    map.set(stageName, { enabled, lastChangedBy: this.caller, lastChangedAt: new Date(), disabledReason: enabled ? undefined : reason });
    if (!enabled) return;
    const stages = p.decl.stages!;
    const i = stages.findIndex((s) => s.name === stageName);
    const next = type === "Outbound" ? stages[i + 1] : stages[i];
    if (next) this.pump(p, next.name!);
  }

  // ---- views ---------------------------------------------------------------------------------

  actionExecution(run: ActionRun): M.ActionExecution {
    return {
      actionExecutionId: run.id,
      status: run.status,
      summary: run.summary,
      lastStatusChange: run.updated,
      token: run.status === "InProgress" ? run.token : undefined,
      lastUpdatedBy: run.updatedBy,
      externalExecutionId: run.externalExecutionId,
      externalExecutionUrl: run.externalExecutionUrl,
      percentComplete: run.percentComplete,
      errorDetails: run.errorDetails,
    };
  }

  actionExecutionDetail(run: ActionRun): M.ActionExecutionDetail {
    const d = run.decl;
    return {
      pipelineExecutionId: run.exec.id,
      actionExecutionId: run.id,
      pipelineVersion: run.exec.decl.version,
      stageName: run.stage,
      actionName: d.name,
      startTime: run.start,
      lastUpdateTime: run.updated,
      updatedBy: run.updatedBy,
      status: run.status,
      input: {
        actionTypeId: clone(d.actionTypeId),
        configuration: { ...d.configuration },
        resolvedConfiguration: { ...run.resolved },
        roleArn: d.roleArn,
        region: d.region ?? this.options.region,
        inputArtifacts: clone(run.input),
        namespace: d.namespace,
      },
      output: {
        outputArtifacts: clone(run.output),
        executionResult:
          run.status === "InProgress"
            ? undefined
            : {
                externalExecutionId: run.externalExecutionId,
                externalExecutionSummary: run.summary,
                externalExecutionUrl: run.externalExecutionUrl,
                errorDetails: run.errorDetails,
              },
        outputVariables: run.outputVariables ? { ...run.outputVariables } : undefined,
      },
    };
  }

  stageState(p: PipelineRec, stage: M.StageDeclaration): M.StageState {
    const name = stage.name!;
    const slot = p.slots.get(name);
    const latest = slot?.latest;
    const sr = latest?.stages.get(name);
    const waiting = (slot?.waiting ?? []).filter((w) => w.status === "InProgress");
    const inbound = waiting.map((w): M.StageExecution => ({ pipelineExecutionId: w.id, status: "InProgress", type: w.type }));
    const t = p.inbound.get(name);
    const cond = (type: M.ConditionType): M.StageConditionState | undefined => {
      const c = latest && sr?.conditions.get(type);
      if (!c) return undefined;
      return {
        latestExecution: { status: c.status, summary: c.summary },
        conditionStates: [
          {
            latestExecution: { status: c.status, summary: c.summary, lastStatusChange: c.updated },
            ruleStates: c.rules.map((r) => ({
              ruleName: r.decl.name,
              latestExecution: {
                ruleExecutionId: r.id,
                status: r.status,
                summary: r.summary,
                lastStatusChange: r.updated,
                errorDetails: r.errorDetails,
              },
            })),
          },
        ],
      };
    };
    return {
      stageName: name,
      inboundExecution: latest?.mode === "SUPERSEDED" || !latest ? inbound[inbound.length - 1] : undefined,
      inboundExecutions: inbound.length ? inbound : undefined,
      inboundTransitionState: t ? { enabled: t.enabled, lastChangedBy: t.lastChangedBy, lastChangedAt: t.lastChangedAt, disabledReason: t.disabledReason } : { enabled: true },
      actionStates: stage.actions!.map((a) => {
        const run = p.actionLatest.get(runKey(name, a.name!));
        const type = this.actionType(a.actionTypeId);
        return {
          actionName: a.name,
          currentRevision: a.actionTypeId?.category === "Source" ? clone(p.revisions.get(a.name!)) : undefined,
          latestExecution: run ? this.actionExecution(run) : undefined,
          entityUrl: type?.settings?.entityUrlTemplate,
        };
      }),
      latestExecution: latest && sr ? { pipelineExecutionId: latest.id, status: sr.status, type: latest.type } : undefined,
      beforeEntryConditionState: cond("BEFORE_ENTRY"),
      onSuccessConditionState: cond("ON_SUCCESS"),
      retryStageMetadata: sr?.retry ? { ...sr.retry } : undefined,
    };
  }
}
