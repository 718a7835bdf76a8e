/**
 * Waiting for a pipeline execution to finish, in the style of the official
 * SDK's waiters (`waitForX` returns the result, `waitUntilX` throws unless it
 * is SUCCESS).
 */
import type { ActionExecutionDetail, ErrorDetails, PipelineExecution, StageState, StartPipelineExecutionInput } from "../../models/models.js";
import { GetPipelineExecutionCommand } from "../../commands/GetPipelineExecutionCommand.js";
import { GetPipelineStateCommand } from "../../commands/GetPipelineStateCommand.js";
import { ListActionExecutionsCommand } from "../../commands/ListActionExecutionsCommand.js";
import { StartPipelineExecutionCommand } from "../../commands/StartPipelineExecutionCommand.js";
import type { SendOptions } from "../config.js";
import { raceAbort } from "../abort.js";
import { type CommandSender, waiterDelay, checkClient, errorMessage, errorName, isAbort, isRetryable, isThrottling, sleepUnlessAborted } from "./internal.js";
import { deadlineSignal } from "./persist.js";

/** States of a waiter result, as in `@smithy/util-waiter` (`RETRY` is only used inside the polling loop). */
export const WaiterState = {
  /** The wait was cancelled through its abort signal. */
  ABORTED: "ABORTED",
  /** The execution ended without succeeding. */
  FAILURE: "FAILURE",
  /** The execution succeeded. */
  SUCCESS: "SUCCESS",
  /** Not finished yet; check again after a pause (never returned to callers). */
  RETRY: "RETRY",
  /** `maxWaitTime` passed before the execution ended. */
  TIMEOUT: "TIMEOUT",
} as const;
export type WaiterState = (typeof WaiterState)[keyof typeof WaiterState];

/** Options of the pipeline execution waiter (times in seconds, as in the official SDK). */
export interface PipelineExecutionWaiterConfiguration {
  /** A `CodePipelineClient` or `CodePipeline`. */
  client: CommandSender;
  /** Seconds to wait before giving up with `TIMEOUT`. */
  maxWaitTime: number;
  /** Shortest pause between two status checks, in seconds. Default 5. */
  minDelay?: number;
  /** Longest pause between two status checks, in seconds. Default 120. */
  maxDelay?: number;
  /** Ends the wait at once with `ABORTED`, cancelling a request in flight. */
  abortSignal?: AbortSignal;
  /** @deprecated Use `abortSignal`. */
  abortController?: {
    /** Aborting this signal ends the wait as `abortSignal` does. */
    signal: AbortSignal;
  };
}

/** Which pipeline execution to wait for or watch. */
export interface PipelineExecutionWaiterInput {
  /** Name of the pipeline. */
  pipelineName: string;
  /** Id of the execution, as `StartPipelineExecution` returned it. */
  pipelineExecutionId: string;
}

/** Where an execution that did not succeed stopped. */
export interface PipelineExecutionFailure {
  /** Name of the stage where the execution stopped. */
  stageName?: string;
  /** Name of the action in that stage that failed or was stopped. */
  actionName?: string;
  /** Status of that action: `Failed`, or `Abandoned` / `InProgress` when the execution was stopped there. */
  actionStatus?: string;
  /** Error code and message the action reported, when it reported one. */
  errorDetails?: ErrorDetails;
  /** Link to the action's run in the system that ran it (build log, deployment...), when there is one. */
  externalExecutionUrl?: string;
}

/** How a wait for a pipeline execution ended, returned by the waiter instead of thrown. */
export interface PipelineExecutionWaiterResult {
  /** How the wait ended: `SUCCESS`, `FAILURE`, `ABORTED` or `TIMEOUT`. */
  state: "SUCCESS" | "FAILURE" | "ABORTED" | "TIMEOUT";
  /** A sentence saying why the wait ended; for a failure it names the stage and action. */
  reason?: string;
  /** The last status seen (`Succeeded`, `Failed`, `Stopped`, `Superseded`, `Cancelled`, `InProgress`...). */
  status?: string;
  /** The last `GetPipelineExecution` answer. */
  execution?: PipelineExecution;
  /** For an execution that did not succeed: the stage and action where it ended. */
  failure?: PipelineExecutionFailure;
  /** Count of each answer seen while polling, as in the official SDK. */
  observedResponses: Record<string, number>;
}

/** Thrown by `waitUntilPipelineExecutionComplete` and `startPipelineExecutionAndWait` when the result is not SUCCESS. */
export class WaiterError extends Error {
  /** `TimeoutError` for TIMEOUT and `AbortError` for ABORTED (the names the official SDK uses), `WaiterFailureError` for FAILURE. */
  override readonly name: "TimeoutError" | "AbortError" | "WaiterFailureError";
  /** How the wait ended: `FAILURE`, `TIMEOUT` or `ABORTED`. */
  readonly state: PipelineExecutionWaiterResult["state"];
  /** A sentence saying why the wait ended; also the error message. */
  readonly reason?: string;
  /** The full waiter result, with the execution id when it is known. */
  readonly result: PipelineExecutionWaiterResult & {
    /** Id of the execution waited for. */
    pipelineExecutionId?: string;
  };

  constructor(result: PipelineExecutionWaiterResult & { pipelineExecutionId?: string }) {
    super(result.reason ?? `Waiter ended with state ${result.state}`);
    this.name = result.state === "TIMEOUT" ? "TimeoutError" : result.state === "ABORTED" ? "AbortError" : "WaiterFailureError";
    this.state = result.state;
    this.reason = result.reason;
    this.result = result;
  }
}

const FAILED_STATUSES = ["Failed", "Stopped", "Superseded", "Cancelled"];

/**
 * The wait's own limits: a signal that fires when the caller aborts or `maxWaitTime` passes,
 * and the time left, which bounds every request (`operationTimeout`).
 */
export interface WaitBound {
  signal?: AbortSignal;
  deadline: number;
}

/** Send options for one request of a wait: its signal, and no more time than is left. */
export const boundOptions = (bound: WaitBound): SendOptions =>
  bound.deadline === Infinity ? { abortSignal: bound.signal } : ({ abortSignal: bound.signal, operationTimeout: Math.max(1, bound.deadline - Date.now()) } as SendOptions);

/** The final check starts this long before `maxWaitTime` ends, and may use that time. */
export const FINAL_CHECK_MS = 1000;

/**
 * Starts the limits of a wait of `maxWait` seconds: the caller's signal combined with a timer
 * that fires at the deadline. `clear` stops the timer.
 */
export function startBound(maxWait: number, userSignal: AbortSignal | undefined): WaitBound & { clear: () => void; timedOut: () => boolean } {
  if (maxWait === Infinity) return { signal: userSignal, deadline: Infinity, clear: () => {}, timedOut: () => false };
  const deadline = Date.now() + maxWait * 1000;
  const d = deadlineSignal(maxWait * 1000, userSignal, "maxWaitTime");
  return { signal: d.signal, deadline, clear: d.clear, timedOut: () => !userSignal?.aborted && (d.signal.aborted || Date.now() >= deadline) };
}
/** Not-found answers tolerated just after an execution starts, before giving up. */
const NOT_FOUND_GRACE = 3;

export const DEFAULT_MIN_DELAY = 5;
export const DEFAULT_MAX_DELAY = 120;

/** Validates waiter options as the official SDK does; returns the delays in seconds. */
export function waiterDelays(config: { maxWaitTime?: number; minDelay?: number; maxDelay?: number }, requireMaxWait = true): { min: number; max: number; maxWait: number } {
  const min = config.minDelay ?? DEFAULT_MIN_DELAY;
  const max = config.maxDelay ?? Math.max(DEFAULT_MAX_DELAY, min);
  const maxWait = config.maxWaitTime ?? (requireMaxWait ? NaN : Infinity);
  if (!(maxWait > 0)) throw new TypeError(`maxWaitTime must be a number of seconds greater than 0, got ${String(config.maxWaitTime)}`);
  if (!(min > 0)) throw new TypeError(`minDelay must be greater than 0, got ${String(config.minDelay)}`);
  if (!(max > 0) || max < min) throw new TypeError(`maxDelay must be at least minDelay (${min}), got ${String(config.maxDelay)}`);
  if (maxWait <= min) throw new TypeError(`maxWaitTime (${maxWait}) must be greater than minDelay (${min})`);
  return { min, max, maxWait };
}

const describeStatus = (input: PipelineExecutionWaiterInput, status: string) =>
  `Pipeline "${input.pipelineName}" execution ${input.pipelineExecutionId} ${status}`;

/** Builds the reason sentence of a finished execution. */
export function failureReason(input: PipelineExecutionWaiterInput, execution: PipelineExecution | undefined, failure: PipelineExecutionFailure | undefined): string {
  const status = execution?.status ?? "ended";
  let text = describeStatus(input, status);
  if (failure?.stageName) {
    text += ` in stage "${failure.stageName}"`;
    if (failure.actionName) text += `, action "${failure.actionName}"`;
    if (failure.actionStatus && failure.actionStatus !== status) text += ` (${failure.actionStatus})`;
  }
  const details = failure?.errorDetails;
  const detail = details?.message ? (details.code ? `${details.code}: ${details.message}` : details.message) : execution?.statusSummary;
  return detail ? `${text}: ${detail}` : text;
}

/**
 * Finds the action where an execution failed or was stopped: first from the
 * execution's own action runs (`ListActionExecutions`), then from the pipeline
 * state when those do not say. Returns undefined when neither does.
 */
export async function locateFailure(
  client: CommandSender,
  input: PipelineExecutionWaiterInput,
  bound: WaitBound = { deadline: Infinity },
  known?: ActionExecutionDetail[],
): Promise<PipelineExecutionFailure | undefined> {
  const details = known ?? (await listActionRuns(client, input, bound).catch(() => []));
  const byTime = (a: ActionExecutionDetail, b: ActionExecutionDetail) => (b.lastUpdateTime?.getTime?.() ?? 0) - (a.lastUpdateTime?.getTime?.() ?? 0);
  for (const status of ["Failed", "Abandoned", "InProgress"]) {
    const hit = details.filter((d) => d.status === status).sort(byTime)[0];
    if (hit)
      return {
        stageName: hit.stageName,
        actionName: hit.actionName,
        actionStatus: hit.status,
        errorDetails: hit.output?.executionResult?.errorDetails,
        externalExecutionUrl: hit.output?.executionResult?.externalExecutionUrl,
      };
  }
  const state = await client.send(new GetPipelineStateCommand({ name: input.pipelineName }), boundOptions(bound)).catch(() => undefined);
  return failureFromState(state?.stageStates, input.pipelineExecutionId);
}

/** The failed (or stopped) stage and action of an execution, read from `GetPipelineState`. */
export function failureFromState(stages: StageState[] | undefined, pipelineExecutionId: string): PipelineExecutionFailure | undefined {
  for (const stage of stages ?? []) {
    const run = stage.latestExecution;
    if (run?.pipelineExecutionId !== pipelineExecutionId || !["Failed", "Stopped", "Cancelled"].includes(run.status)) continue;
    const action = stage.actionStates?.find((a) => a.latestExecution?.status === "Failed") ?? stage.actionStates?.find((a) => a.latestExecution?.status === "InProgress");
    return {
      stageName: stage.stageName,
      actionName: action?.actionName,
      actionStatus: action?.latestExecution?.status,
      errorDetails: action?.latestExecution?.errorDetails,
      externalExecutionUrl: action?.latestExecution?.externalExecutionUrl,
    };
  }
  return undefined;
}

/** Every action run of one execution (at most 10 pages of 100). */
export async function listActionRuns(client: CommandSender, input: PipelineExecutionWaiterInput, bound: WaitBound): Promise<ActionExecutionDetail[]> {
  const out: ActionExecutionDetail[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 10; page++) {
    const res = await client.send(
      new ListActionExecutionsCommand({ pipelineName: input.pipelineName, filter: { pipelineExecutionId: input.pipelineExecutionId }, maxResults: 100, nextToken }),
      boundOptions(bound),
    );
    out.push(...(res.actionExecutionDetails ?? []));
    if (!res.nextToken || res.nextToken === nextToken) break;
    nextToken = res.nextToken;
  }
  return out;
}

/** The outcome of one status check. */
export type CheckOutcome =
  | { done: true; result: Omit<PipelineExecutionWaiterResult, "observedResponses"> }
  | { done: false; throttled: boolean; notFound?: boolean; execution?: PipelineExecution };

/**
 * Checks an execution once. Network trouble and throttling mean "check again later"; other errors end the wait.
 * The check ends as soon as the bound's signal fires (ABORTED), even when the client does not act on it.
 */
export function checkExecution(
  client: CommandSender,
  input: PipelineExecutionWaiterInput,
  bound: WaitBound,
  notFoundSoFar: number,
  observed: Record<string, number>,
): Promise<CheckOutcome> {
  const aborted: CheckOutcome = { done: true, result: { state: "ABORTED", reason: "The wait was aborted" } };
  return raceAbort(checkOnce(client, input, bound, notFoundSoFar, observed, aborted), bound.signal).catch((e) => {
    if (bound.signal?.aborted) return aborted;
    throw e;
  });
}

async function checkOnce(...[client, input, bound, notFoundSoFar, observed, aborted]: [...Parameters<typeof checkExecution>, CheckOutcome]): Promise<CheckOutcome> {
  const signal = bound.signal;
  let execution: PipelineExecution | undefined;
  try {
    const res = await client.send(
      new GetPipelineExecutionCommand({ pipelineName: input.pipelineName, pipelineExecutionId: input.pipelineExecutionId }),
      boundOptions(bound),
    );
    execution = res.pipelineExecution;
  } catch (error) {
    if (isAbort(error) || signal?.aborted) return aborted;
    const name = errorName(error);
    observed[name] = (observed[name] ?? 0) + 1;
    if (isRetryable(error)) return { done: false, throttled: isThrottling(error) };
    if (name === "PipelineExecutionNotFoundException" && notFoundSoFar < NOT_FOUND_GRACE) return { done: false, throttled: false, notFound: true };
    return { done: true, result: { state: "FAILURE", reason: `GetPipelineExecution failed with ${name}: ${errorMessage(error)}` } };
  }
  const status = execution?.status ?? "Unknown";
  observed[status] = (observed[status] ?? 0) + 1;
  if (status === "Succeeded") return { done: true, result: { state: "SUCCESS", status, execution, reason: describeStatus(input, status) } };
  if (FAILED_STATUSES.includes(status)) {
    const failure = status === "Superseded" ? undefined : await locateFailure(client, input, bound).catch(() => undefined);
    return { done: true, result: { state: "FAILURE", status, execution, failure, reason: failureReason(input, execution, failure) } };
  }
  return { done: false, throttled: false, execution };
}

/**
 * Waits until a pipeline execution finishes and returns `{ state, reason }`:
 * SUCCESS when it `Succeeded`; FAILURE when it `Failed`, was `Stopped`,
 * `Superseded` or `Cancelled` (the reason names the stage and action);
 * TIMEOUT after `maxWaitTime` seconds; ABORTED when `abortSignal` fires.
 * Never throws for those outcomes (see `waitUntilPipelineExecutionComplete`).
 *
 * `maxWaitTime` is a hard deadline: every request gets the time left as its
 * `operationTimeout` and is cancelled when it passes, so the result comes at the
 * deadline even when the service stalls; an abort ends the wait at once.
 *
 * Checks are spaced with jittered exponential backoff from `minDelay` to
 * `maxDelay`; a throttled check doubles the next pause and never ends the wait.
 */
export async function waitForPipelineExecutionComplete(
  config: PipelineExecutionWaiterConfiguration,
  input: PipelineExecutionWaiterInput,
): Promise<PipelineExecutionWaiterResult> {
  const client = checkClient(config?.client, "waitForPipelineExecutionComplete");
  const { min, max, maxWait } = waiterDelays(config);
  if (!input?.pipelineName || !input.pipelineExecutionId) throw new TypeError("waitForPipelineExecutionComplete: pipelineName and pipelineExecutionId are required");
  const userSignal = config.abortSignal ?? config.abortController?.signal;
  const observedResponses: Record<string, number> = {};
  const bound = startBound(maxWait, userSignal);
  let attempt = 1;
  let notFound = 0;
  let last: PipelineExecution | undefined;
  const timeout = (): PipelineExecutionWaiterResult => ({
    state: "TIMEOUT",
    status: last?.status,
    execution: last,
    reason: `${describeStatus(input, `still ${last?.status ?? "running"}`)} after ${maxWait} s (maxWaitTime)`,
    observedResponses,
  });
  /** ABORTED when the caller aborted, TIMEOUT when maxWaitTime passed. */
  const ended = (): PipelineExecutionWaiterResult =>
    bound.timedOut() ? timeout() : { state: "ABORTED", reason: "The wait was aborted", observedResponses };
  try {
    for (;;) {
      if (bound.signal?.aborted) return ended();
      const outcome = await checkExecution(client, input, bound, notFound, observedResponses);
      if (outcome.done) return outcome.result.state === "ABORTED" ? ended() : { ...outcome.result, observedResponses };
      if (outcome.execution) last = outcome.execution;
      if (outcome.notFound) notFound++;
      if (outcome.throttled) attempt++;
      // The last check starts FINAL_CHECK_MS before the deadline, which ends it if it is still running.
      const remaining = bound.deadline - Date.now() - FINAL_CHECK_MS;
      if (remaining <= 0) return timeout();
      await sleepUnlessAborted(Math.min(waiterDelay(min, max, attempt) * 1000, remaining), bound.signal);
      attempt++;
    }
  } finally {
    bound.clear();
  }
}

/**
 * Like `waitForPipelineExecutionComplete`, but throws a `WaiterError` unless
 * the execution succeeded, as the official SDK's `waitUntil...` functions do.
 */
export async function waitUntilPipelineExecutionComplete(
  config: PipelineExecutionWaiterConfiguration,
  input: PipelineExecutionWaiterInput,
): Promise<PipelineExecutionWaiterResult> {
  const result = await waitForPipelineExecutionComplete(config, input);
  if (result.state !== "SUCCESS") throw new WaiterError(result);
  return result;
}

/**
 * Starts a pipeline execution and waits for it to finish. Returns the waiter
 * result with the `pipelineExecutionId`; throws a `WaiterError` (whose `result`
 * carries the id) unless the execution succeeded.
 */
export async function startPipelineExecutionAndWait(
  config: PipelineExecutionWaiterConfiguration,
  input: StartPipelineExecutionInput,
): Promise<PipelineExecutionWaiterResult & { pipelineExecutionId: string }> {
  const client = checkClient(config?.client, "startPipelineExecutionAndWait");
  waiterDelays(config);
  const signal = config.abortSignal ?? config.abortController?.signal;
  const started = await client.send(new StartPipelineExecutionCommand(input), { abortSignal: signal });
  const pipelineExecutionId: string = started.pipelineExecutionId;
  const result = { ...(await waitForPipelineExecutionComplete(config, { pipelineName: input.name!, pipelineExecutionId })), pipelineExecutionId };
  if (result.state !== "SUCCESS") throw new WaiterError(result);
  return result;
}
