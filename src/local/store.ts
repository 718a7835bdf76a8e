/** The endpoint's stores and the small helpers every part of the execution machine uses. */
import type * as M from "../../models/index.js";
import { builtInActionTypes, builtInRuleTypes } from "./catalog.js";
import {
  type ActionRun,
  type CustomTypeRec,
  type EngineOptions,
  type FailureMatch,
  type JobRec,
  type PipelineRec,
  type Slot,
  type WebhookRec,
  typeKey,
} from "./records.js";
import { fail } from "./util.js";

export abstract class EngineStore {
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

  protected takeFailure(kind: "action" | "rule", pipelineName: string, stageName: string, name: string) {
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

  protected slot(p: PipelineRec, stage: string): Slot {
    let s = p.slots.get(stage);
    if (!s) p.slots.set(stage, (s = { waiting: [] }));
    return s;
  }

}
