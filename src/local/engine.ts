/**
 * The machine that runs pipeline executions: stages in order, stage locks per execution mode,
 * transitions, stop, retry and rollback. Actions, jobs, approvals and conditions run in
 * `steps.ts`; the stores and shared helpers live in `store.ts`.
 */
import type * as M from "../../models/index.js";
import type { ExecRec, PipelineRec, StageRun } from "./records.js";
import { StepRunner } from "./steps.js";
import { clone, fail, uuid } from "./util.js";

export class Engine extends StepRunner {
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

  protected touch(e: ExecRec): void {
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

  protected nextGroup(e: ExecRec, sr: StageRun): void {
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

  protected afterAction(e: ExecRec, sr: StageRun): void {
    if (e.current !== sr.index || (e.status !== "InProgress" && e.status !== "Stopping")) return;
    const runs = [...sr.runs.values()];
    if (runs.some((r) => r.status === "InProgress")) return;
    if (e.status === "Stopping") return this.stopped(e);
    const failed = runs.find((r) => r.status === "Failed");
    if (failed) return this.stageFailed(e, sr, `Action ${failed.decl.name} failed${failed.summary ? `: ${failed.summary}` : ""}`);
    this.nextGroup(e, sr);
  }

  protected stageSucceeded(e: ExecRec, sr: StageRun): void {
    sr.status = "Succeeded";
    this.touch(e);
    this.release(e, sr.index);
    this.enter(e, sr.index + 1);
  }

  protected stageFailed(e: ExecRec, sr: StageRun, summary: string): void {
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

  protected stopped(e: ExecRec): void {
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
}
