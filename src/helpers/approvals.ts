/**
 * Manual approvals by stage and action name, always with the current token.
 */
import { GetPipelineStateCommand } from "../../commands/GetPipelineStateCommand.js";
import { PutApprovalResultCommand } from "../../commands/PutApprovalResultCommand.js";
import type { GetPipelineStateOutput } from "../../models/models.js";
import { type CommandSender, bound, checkClient, errorName } from "./internal.js";

/** A manual approval waiting for an answer. */
export interface PendingApproval {
  /** Name of the pipeline. */
  pipelineName: string;
  /** Name of the stage holding the approval action. */
  stageName: string;
  /** Name of the approval action. */
  actionName: string;
  /** The token `PutApprovalResult` needs; valid only while this approval waits. */
  token: string;
  /** The execution that waits on this approval. */
  pipelineExecutionId?: string;
  /** Text of the approval request, if any. */
  summary?: string;
  /** Link given with the approval request, if any. */
  externalExecutionUrl?: string;
  /** When the approval started waiting. */
  since?: Date;
}

/** Options shared by the approval helpers. */
export interface ApprovalsConfiguration {
  /** A `CodePipelineClient` or `CodePipeline`. */
  client: CommandSender;
  /** Cancels the helper's requests; the call then rejects. */
  abortSignal?: AbortSignal;
}

/** Which approval to approve or reject, and what to say with the decision. */
export interface ApprovalDecision {
  /** Name of the pipeline. */
  pipelineName: string;
  /** Name of the stage holding the approval action. */
  stageName: string;
  /** Name of the approval action. */
  actionName: string;
  /** Shown with the decision; at most 512 characters (longer text is cut). Default: "". */
  summary?: string;
  /**
   * The execution the caller means to approve or reject. When the waiting
   * approval belongs to another execution, nothing is sent and an
   * `ApprovalTokenOutdatedError` is thrown.
   */
  pipelineExecutionId?: string;
  /**
   * A token the caller already holds (from `listPendingApprovals` or a
   * notification). When it is no longer the current one, nothing is sent and
   * an `ApprovalTokenOutdatedError` is thrown.
   */
  token?: string;
}

/** The decision `approvePendingApproval` or `rejectPendingApproval` recorded. */
export interface ApprovalOutcome {
  /** Name of the pipeline. */
  pipelineName: string;
  /** Name of the stage holding the approval action. */
  stageName: string;
  /** Name of the approval action. */
  actionName: string;
  /** The decision that was recorded. */
  status: "Approved" | "Rejected";
  /** The execution whose approval was answered, when known. */
  pipelineExecutionId?: string;
  /** The token that was used (the current one). */
  token: string;
  /** When the service recorded the decision, as it reported it. */
  approvedAt?: Date;
}

/** The approval the caller meant is no longer the one waiting (a newer run replaced it, or it was answered). */
export class ApprovalTokenOutdatedError extends Error {
  /** Always `"ApprovalTokenOutdatedError"`. */
  override readonly name = "ApprovalTokenOutdatedError";
  /** Name of the pipeline. */
  readonly pipelineName: string;
  /** Name of the stage. */
  readonly stageName: string;
  /** Name of the approval action. */
  readonly actionName: string;
  /** The execution the caller meant, when known. */
  readonly expectedPipelineExecutionId?: string;
  /** The execution whose approval is waiting now, when one is. */
  readonly currentPipelineExecutionId?: string;
  constructor(
    message: string,
    details: { pipelineName: string; stageName: string; actionName: string; expectedPipelineExecutionId?: string; currentPipelineExecutionId?: string; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.pipelineName = details.pipelineName;
    this.stageName = details.stageName;
    this.actionName = details.actionName;
    if (details.expectedPipelineExecutionId !== undefined) this.expectedPipelineExecutionId = details.expectedPipelineExecutionId;
    if (details.currentPipelineExecutionId !== undefined) this.currentPipelineExecutionId = details.currentPipelineExecutionId;
  }
}

/** No approval is waiting at that stage and action. */
export class ApprovalNotPendingError extends Error {
  /** Always `"ApprovalNotPendingError"`. */
  override readonly name = "ApprovalNotPendingError";
  /** Name of the pipeline. */
  readonly pipelineName: string;
  /** Name of the stage. */
  readonly stageName: string;
  /** Name of the approval action. */
  readonly actionName: string;
  constructor(details: { pipelineName: string; stageName: string; actionName: string }) {
    super(`No approval is waiting in pipeline "${details.pipelineName}", stage "${details.stageName}", action "${details.actionName}"`);
    this.pipelineName = details.pipelineName;
    this.stageName = details.stageName;
    this.actionName = details.actionName;
  }
}

/**
 * Lists the manual approvals waiting in a pipeline, read from
 * `GetPipelineState`: every action whose latest run is in progress and has an
 * approval token, with the execution it belongs to.
 */
export async function listPendingApprovals(config: ApprovalsConfiguration, input: { pipelineName: string }): Promise<PendingApproval[]> {
  const client = checkClient(config?.client, "listPendingApprovals");
  if (!input?.pipelineName) throw new TypeError("listPendingApprovals: pipelineName is required");
  const state = await client.send(new GetPipelineStateCommand({ name: input.pipelineName }), { abortSignal: config.abortSignal });
  const out: PendingApproval[] = [];
  for (const stage of state.stageStates ?? []) {
    for (const action of stage.actionStates ?? []) {
      const run = action.latestExecution;
      if (!stage.stageName || !action.actionName || run?.status !== "InProgress" || !run.token) continue;
      const approval: PendingApproval = { pipelineName: input.pipelineName, stageName: stage.stageName, actionName: action.actionName, token: run.token };
      const executionId = stage.latestExecution?.pipelineExecutionId;
      if (executionId) approval.pipelineExecutionId = executionId;
      if (run.summary) approval.summary = run.summary;
      if (run.externalExecutionUrl) approval.externalExecutionUrl = run.externalExecutionUrl;
      if (run.lastStatusChange) approval.since = run.lastStatusChange;
      out.push(approval);
    }
  }
  return out;
}

async function decide(config: ApprovalsConfiguration, input: ApprovalDecision, status: "Approved" | "Rejected", what: string): Promise<ApprovalOutcome> {
  const client = checkClient(config?.client, what);
  const { pipelineName, stageName, actionName } = input ?? ({} as ApprovalDecision);
  if (!pipelineName || !stageName || !actionName) throw new TypeError(`${what}: pipelineName, stageName and actionName are required`);
  const where = { pipelineName, stageName, actionName };
  const pending = (await listPendingApprovals(config, { pipelineName })).find((a) => a.stageName === stageName && a.actionName === actionName);
  if (!pending) {
    if (input.token !== undefined || input.pipelineExecutionId !== undefined)
      throw new ApprovalTokenOutdatedError(
        `The approval in pipeline "${pipelineName}", stage "${stageName}", action "${actionName}" is no longer waiting; nothing was sent`,
        { ...where, expectedPipelineExecutionId: input.pipelineExecutionId },
      );
    throw new ApprovalNotPendingError(where);
  }
  if (input.pipelineExecutionId !== undefined && pending.pipelineExecutionId !== undefined && pending.pipelineExecutionId !== input.pipelineExecutionId)
    throw new ApprovalTokenOutdatedError(
      `The approval waiting in pipeline "${pipelineName}", stage "${stageName}", action "${actionName}" belongs to execution ${pending.pipelineExecutionId}, not ${input.pipelineExecutionId}; nothing was sent`,
      { ...where, expectedPipelineExecutionId: input.pipelineExecutionId, currentPipelineExecutionId: pending.pipelineExecutionId },
    );
  if (input.token !== undefined && input.token !== pending.token)
    throw new ApprovalTokenOutdatedError(
      `The approval token given for pipeline "${pipelineName}", stage "${stageName}", action "${actionName}" is outdated: a newer approval (execution ${pending.pipelineExecutionId ?? "unknown"}) is waiting; nothing was sent`,
      { ...where, expectedPipelineExecutionId: input.pipelineExecutionId, currentPipelineExecutionId: pending.pipelineExecutionId },
    );
  try {
    const res = await client.send(
      new PutApprovalResultCommand({ pipelineName, stageName, actionName, token: pending.token, result: { status, summary: bound(input.summary ?? "", 512) } }),
      { abortSignal: config.abortSignal },
    );
    const outcome: ApprovalOutcome = { ...where, status, token: pending.token };
    if (pending.pipelineExecutionId) outcome.pipelineExecutionId = pending.pipelineExecutionId;
    if (res.approvedAt) outcome.approvedAt = res.approvedAt;
    return outcome;
  } catch (error) {
    // An earlier attempt of this call may have landed with its answer lost: the retry then finds the approval
    // completed. It counts as done when the approval ended the way this call asked.
    if (errorName(error) === "ApprovalAlreadyCompletedException" && mayHaveLanded(error) && (await endedAs(client, config, pending, status)))
      return { ...where, status, token: pending.token, pipelineExecutionId: pending.pipelineExecutionId! };
    // The approval changed between reading the state and answering it.
    if (errorName(error) === "InvalidApprovalTokenException")
      throw new ApprovalTokenOutdatedError(
        `The approval in pipeline "${pipelineName}", stage "${stageName}", action "${actionName}" changed while it was being answered (execution ${pending.pipelineExecutionId ?? "unknown"}); read it again before deciding`,
        { ...where, expectedPipelineExecutionId: input.pipelineExecutionId ?? pending.pipelineExecutionId, cause: error },
      );
    throw error;
  }
}

/** More than one attempt was sent, so an earlier one may have been carried out. */
const mayHaveLanded = (error: unknown): boolean => ((error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) > 1;

/** Whether the approval `pending` belongs to ended as `status` asked (Succeeded when approved, Failed when rejected). */
async function endedAs(client: CommandSender, config: ApprovalsConfiguration, pending: PendingApproval, status: "Approved" | "Rejected"): Promise<boolean> {
  if (!pending.pipelineExecutionId) return false;
  const state: GetPipelineStateOutput | undefined = await client
    .send(new GetPipelineStateCommand({ name: pending.pipelineName }), { abortSignal: config.abortSignal })
    .catch(() => undefined);
  const stage = state?.stageStates?.find((s) => s.stageName === pending.stageName);
  const run = stage?.actionStates?.find((a) => a.actionName === pending.actionName)?.latestExecution;
  return stage?.latestExecution?.pipelineExecutionId === pending.pipelineExecutionId && run?.status === (status === "Approved" ? "Succeeded" : "Failed");
}

/**
 * Approves the manual approval waiting at a stage and action, with the token
 * read just before (never a token of an older run). Pass `pipelineExecutionId`
 * or `token` to make sure the approval is the one you mean; if it is not,
 * nothing is sent and an `ApprovalTokenOutdatedError` is thrown.
 */
export const approvePendingApproval = (config: ApprovalsConfiguration, input: ApprovalDecision): Promise<ApprovalOutcome> =>
  decide(config, input, "Approved", "approvePendingApproval");

/** Rejects the manual approval waiting at a stage and action; see `approvePendingApproval`. */
export const rejectPendingApproval = (config: ApprovalsConfiguration, input: ApprovalDecision): Promise<ApprovalOutcome> =>
  decide(config, input, "Rejected", "rejectPendingApproval");
