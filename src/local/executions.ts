/** Operations on pipeline executions: start, stop, retry, rollback, approvals, conditions and the execution listings. */
import type * as M from "../../models/index.js";
import type { Handlers, LocalService } from "./service.js";
import { clone, fail, page, toDate } from "./util.js";
import { actionExecutionDetail } from "./views.js";

export function executionHandlers(svc: LocalService): Handlers {
  const eng = svc.engine;
  return {
    GetPipelineExecution: (i: M.GetPipelineExecutionInput): M.GetPipelineExecutionOutput => {
      const p = eng.pipeline(i.pipelineName!);
      const e = svc.execution(p, i.pipelineExecutionId!);
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

    ListActionExecutions: (i: M.ListActionExecutionsInput): M.ListActionExecutionsOutput => {
      const p = eng.pipeline(i.pipelineName!);
      const f = i.filter;
      let runs = svc.runsFor(p, p.actionRuns, f);
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
      return { pipelineExecutionSummaries: pg.items.map((e) => svc.summary(e)), nextToken: pg.nextToken };
    },

    ListRuleExecutions: (i: M.ListRuleExecutionsInput): M.ListRuleExecutionsOutput => {
      const p = eng.pipeline(i.pipelineName!);
      const runs = svc.runsFor(p, p.ruleRuns, i.filter);
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

    OverrideStageCondition: (i: M.OverrideStageConditionInput): object => {
      eng.overrideCondition(eng.pipeline(i.pipelineName!), i.stageName!, i.pipelineExecutionId!, i.conditionType!);
      return {};
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
  };
}
