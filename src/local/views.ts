/** The API views of the engine's records: action executions, action execution details and stage states. */
import type * as M from "../../models/index.js";
import type { Engine } from "./engine.js";
import { type ActionRun, type PipelineRec, runKey } from "./records.js";
import { clone } from "./util.js";

export function actionExecution(run: ActionRun): M.ActionExecution {
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

export function actionExecutionDetail(engine: Engine, run: ActionRun): M.ActionExecutionDetail {
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
      region: d.region ?? engine.options.region,
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

export function stageState(engine: Engine, p: PipelineRec, stage: M.StageDeclaration): M.StageState {
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
      const type = engine.actionType(a.actionTypeId);
      return {
        actionName: a.name,
        currentRevision: a.actionTypeId?.category === "Source" ? clone(p.revisions.get(a.name!)) : undefined,
        latestExecution: run ? actionExecution(run) : undefined,
        entityUrl: type?.settings?.entityUrlTemplate,
      };
    }),
    latestExecution: latest && sr ? { pipelineExecutionId: latest.id, status: sr.status, type: latest.type } : undefined,
    beforeEntryConditionState: cond("BEFORE_ENTRY"),
    onSuccessConditionState: cond("ON_SUCCESS"),
    retryStageMetadata: sr?.retry ? { ...sr.retry } : undefined,
  };
}
