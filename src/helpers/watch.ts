/**
 * Progress of one pipeline execution as an async iterator of typed events.
 */
import type { ActionExecutionDetail, ErrorDetails, StageState } from "../../models/models.js";
import { GetPipelineStateCommand } from "../../commands/GetPipelineStateCommand.js";
import { raceAbort } from "../abort.js";
import { waiterDelay, checkClient, errorName, isAbort, isThrottling, sleepUnlessAborted } from "./internal.js";
import {
  FINAL_CHECK_MS,
  boundOptions,
  startBound,
  type PipelineExecutionWaiterConfiguration,
  type PipelineExecutionWaiterInput,
  type PipelineExecutionWaiterResult,
  checkExecution,
  failureFromState,
  failureReason,
  listActionRuns,
  locateFailure,
  waiterDelays,
} from "./waiter.js";

/** The execution's own status changed. */
export interface ExecutionStatusEvent {
  /** Tells this event from the others. */
  type: "execution";
  /** Name of the pipeline. */
  pipelineName: string;
  /** Id of the execution watched. */
  pipelineExecutionId: string;
  /** The new status, e.g. `InProgress`, `Succeeded`, `Failed`. */
  status: string;
  /** The status seen before; absent on the first event. */
  previousStatus?: string;
  /** The service's explanation of the status, when it gives one. */
  statusSummary?: string;
}

/** A stage of this execution changed status (from `GetPipelineState`). */
export interface StageStatusEvent {
  /** Tells this event from the others. */
  type: "stage";
  /** Name of the stage. */
  stageName: string;
  /** The stage's new status. */
  status: string;
  /** The status seen before; absent the first time the stage is seen. */
  previousStatus?: string;
}

/** An action run of this execution changed status (from `ListActionExecutions`). */
export interface ActionStatusEvent {
  /** Tells this event from the others. */
  type: "action";
  /** Name of the stage the action belongs to. */
  stageName: string;
  /** Name of the action. */
  actionName: string;
  /** The action run's new status. */
  status: string;
  /** The status seen before; absent the first time the run is seen. */
  previousStatus?: string;
  /** Id of this action run. */
  actionExecutionId?: string;
  /** Link to the run in the system that performed it, when there is one. */
  externalExecutionUrl?: string;
  /** Summary text the action reported, when it reported one. */
  summary?: string;
  /** Error code and message of a failed run. */
  errorDetails?: ErrorDetails;
}

/** A manual approval of this execution is waiting; `token` is what `PutApprovalResult` needs. */
export interface ApprovalWaitingEvent {
  /** Tells this event from the others. */
  type: "approval";
  /** Name of the pipeline. */
  pipelineName: string;
  /** Id of the execution watched. */
  pipelineExecutionId: string;
  /** Name of the stage holding the approval action. */
  stageName: string;
  /** Name of the approval action. */
  actionName: string;
  /** The approval token to pass to `PutApprovalResult`. */
  token: string;
  /** Summary text of the approval request, when there is one. */
  summary?: string;
  /** Link configured on the approval action for reviewers, when there is one. */
  externalExecutionUrl?: string;
}

/** The last event: how the execution (or the watch) ended. */
export interface ResultEvent extends PipelineExecutionWaiterResult {
  /** Tells this event from the others; it is always the last one. */
  type: "result";
}

/** One event yielded by `watchPipelineExecution`; switch on `type`. */
export type PipelineExecutionEvent = ExecutionStatusEvent | StageStatusEvent | ActionStatusEvent | ApprovalWaitingEvent | ResultEvent;

/** Options of `watchPipelineExecution`: those of the waiter, with `maxWaitTime` optional (seconds). */
export interface WatchPipelineExecutionConfiguration extends Omit<PipelineExecutionWaiterConfiguration, "maxWaitTime"> {
  /** Seconds after which the watch ends with a TIMEOUT result. Default: no limit. */
  maxWaitTime?: number;
}

/**
 * Follows one pipeline execution and yields an event each time something
 * changes: the execution status, a stage's status, an action run's status, a
 * manual approval that starts waiting (with its token), and finally one
 * `result` event (SUCCESS, FAILURE with the failing stage and action, TIMEOUT
 * or ABORTED), after which the iteration ends.
 *
 * Each round makes three reads (`GetPipelineExecution`, `ListActionExecutions`
 * filtered to this execution, `GetPipelineState`). The pause between rounds
 * starts at `minDelay`, doubles (with jitter) while nothing changes up to
 * `maxDelay`, and goes back to `minDelay` after a change; throttling lengthens
 * it. Aborting, or leaving the `for await` loop, stops polling at once.
 * `maxWaitTime` is a hard deadline, as for `waitForPipelineExecutionComplete`.
 *
 * ```ts
 * for await (const event of watchPipelineExecution({ client }, { pipelineName, pipelineExecutionId })) {
 *   if (event.type === "approval") console.log(`approval waiting in ${event.stageName}/${event.actionName}`);
 *   if (event.type === "result") console.log(event.state, event.reason);
 * }
 * ```
 */
export async function* watchPipelineExecution(
  config: WatchPipelineExecutionConfiguration,
  input: PipelineExecutionWaiterInput,
): AsyncGenerator<PipelineExecutionEvent, undefined, unknown> {
  const client = checkClient(config?.client, "watchPipelineExecution");
  const { min, max, maxWait } = waiterDelays(config, false);
  if (!input?.pipelineName || !input.pipelineExecutionId) throw new TypeError("watchPipelineExecution: pipelineName and pipelineExecutionId are required");
  const userSignal = config.abortSignal ?? config.abortController?.signal;
  const { pipelineName, pipelineExecutionId } = input;
  const observedResponses: Record<string, number> = {};
  const bound = startBound(maxWait, userSignal);
  const signal = bound.signal;
  const seen = new Map<string, string>();
  const approvals = new Set<string>();
  let attempt = 1;
  let notFound = 0;
  let lastStatus: string | undefined;
  const timeout = (): ResultEvent => ({
    type: "result",
    state: "TIMEOUT",
    status: lastStatus,
    reason: `Pipeline "${pipelineName}" execution ${pipelineExecutionId} still ${lastStatus ?? "running"} after ${maxWait} s (maxWaitTime)`,
    observedResponses,
  });
  /** ABORTED when the caller aborted (or left the loop), TIMEOUT when maxWaitTime passed. */
  const ended = (): ResultEvent =>
    bound.timedOut() ? timeout() : { type: "result", state: "ABORTED", reason: "The watch was aborted", status: lastStatus, observedResponses };

  /** Records a status; returns the previous one when it changed, or `false` when it did not. */
  const change = (key: string, status: string): { previous?: string } | false => {
    const previous = seen.get(key);
    if (previous === status) return false;
    seen.set(key, status);
    return { previous };
  };

  try {
    for (;;) {
      if (signal?.aborted) {
        yield ended();
        return undefined;
      }
      let changed = false;
      let throttled = false;
      const outcome = await checkExecution(client, input, bound, notFound, observedResponses);
      if (outcome.done && outcome.result.state === "ABORTED") {
        yield ended();
        return undefined;
      }

      // Action runs and stage states of this execution. Either may be refused (permissions,
      // throttling): the watch then goes on with what it has.
      const read = async <T>(what: string, f: () => Promise<T>): Promise<T | undefined> => {
        try {
          return await f();
        } catch (error) {
          if (isAbort(error) || signal?.aborted) throw error;
          const name = errorName(error);
          observedResponses[`${what}: ${name}`] = (observedResponses[`${what}: ${name}`] ?? 0) + 1;
          if (isThrottling(error)) throttled = true;
          return undefined;
        }
      };
      let runs: ActionExecutionDetail[] | undefined;
      let stages: StageState[] | undefined;
      try {
        runs = await read("ListActionExecutions", () => raceAbort(listActionRuns(client, input, bound), signal));
        stages = (await read("GetPipelineState", () => raceAbort(client.send(new GetPipelineStateCommand({ name: pipelineName }), boundOptions(bound)), signal)))?.stageStates;
      } catch {
        yield ended();
        return undefined;
      }

      const execution = outcome.done ? outcome.result.execution : outcome.execution;
      if (execution?.status) {
        const c = change("execution", execution.status);
        if (c) {
          changed = true;
          lastStatus = execution.status;
          yield { type: "execution", pipelineName, pipelineExecutionId, status: execution.status, previousStatus: c.previous, statusSummary: execution.statusSummary };
        }
      }
      for (const run of [...(runs ?? [])].sort((a, b) => (a.startTime?.getTime?.() ?? 0) - (b.startTime?.getTime?.() ?? 0))) {
        if (!run.stageName || !run.actionName || !run.status) continue;
        const c = change(`action\u0000${run.actionExecutionId ?? `${run.stageName}\u0000${run.actionName}`}`, run.status);
        if (!c) continue;
        changed = true;
        const result = run.output?.executionResult;
        yield {
          type: "action",
          stageName: run.stageName,
          actionName: run.actionName,
          status: run.status,
          previousStatus: c.previous,
          actionExecutionId: run.actionExecutionId,
          externalExecutionUrl: result?.externalExecutionUrl,
          summary: result?.externalExecutionSummary,
          errorDetails: result?.errorDetails,
        };
      }
      for (const stage of stages ?? []) {
        const run = stage.latestExecution;
        if (!stage.stageName || run?.pipelineExecutionId !== pipelineExecutionId) continue;
        const c = change(`stage\u0000${stage.stageName}`, run.status);
        if (c) {
          changed = true;
          yield { type: "stage", stageName: stage.stageName, status: run.status, previousStatus: c.previous };
        }
        for (const action of stage.actionStates ?? []) {
          const latest = action.latestExecution;
          if (!action.actionName || latest?.status !== "InProgress" || !latest.token) continue;
          const key = `${stage.stageName}\u0000${action.actionName}\u0000${latest.token}`;
          if (approvals.has(key)) continue;
          approvals.add(key);
          changed = true;
          yield {
            type: "approval",
            pipelineName,
            pipelineExecutionId,
            stageName: stage.stageName,
            actionName: action.actionName,
            token: latest.token,
            summary: latest.summary,
            externalExecutionUrl: latest.externalExecutionUrl,
          };
        }
      }

      if (outcome.done) {
        const result = outcome.result;
        if (result.state === "FAILURE" && result.execution && !result.failure && result.status !== "Superseded") {
          const failure = (runs && (await locateFailure(client, input, bound, runs).catch(() => undefined))) ?? failureFromState(stages, pipelineExecutionId);
          if (failure) Object.assign(result, { failure, reason: failureReason(input, result.execution, failure) });
        }
        yield { type: "result", ...result, observedResponses };
        return undefined;
      }
      if (outcome.notFound) notFound++;

      const remaining = bound.deadline - Date.now() - FINAL_CHECK_MS;
      if (remaining <= 0) {
        yield timeout();
        return undefined;
      }
      if (changed) attempt = 1;
      else attempt++;
      if (throttled || outcome.throttled) attempt++;
      if (!(await sleepUnlessAborted(Math.min(waiterDelay(min, max, attempt) * 1000, remaining), signal))) {
        yield ended();
        return undefined;
      }
    }
  } finally {
    bound.clear();
  }
}
