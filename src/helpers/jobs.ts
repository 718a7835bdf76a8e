/**
 * What job workers and the Lambda job handler share: the job shape handed to
 * handlers, the result they return, the API's rules for results, and the
 * mapping from a thrown error to `failureDetails`.
 */
import type {
  AWSSessionCredentials,
  Artifact,
  CurrentRevision,
  EncryptionKey,
  ExecutionDetails,
  FailureDetails,
  JobData,
  PipelineContext,
} from "../../models/models.js";
import type { FailureType } from "../../models/enums.js";
import { classifyError } from "../retry/classify.js";
import { bound, errorMessage, errorName, redactSecrets } from "./internal.js";

/** Limits from the model (`src/generated/shapes.ts`); the tests check they still match. */
export const LIMITS = {
  /** `ExecutionSummary`, `RevisionSummary`. */
  summary: 2048,
  /** `Message` (failure messages). */
  message: 5000,
  /** `ContinuationToken`. */
  continuationToken: 2048,
  /** `ExecutionId` (external execution ids). */
  externalExecutionId: 1500,
  /** `Revision`. */
  revision: 1500,
  /** `RevisionChangeIdentifier`. */
  changeIdentifier: 100,
  /** `Percentage`. */
  percentMin: 0,
  percentMax: 100,
} as const;
/** `OutputVariablesKey`. */
export const OUTPUT_VARIABLE_KEY = /^[A-Za-z0-9@\-_]+$/;

/** What a job handler returns. Returning nothing means "succeeded, nothing to add". */
export interface JobResult {
  /**
   * The work is not finished. CodePipeline hands the job out again later with
   * this token in `continuationToken`, and the handler picks up from there.
   * At most 2048 characters; no `outputVariables` with it.
   */
  continuationToken?: string;
  /** Progress or outcome shown in the console: `summary` (cut at 2048 characters), `externalExecutionId`, `percentComplete` (0 to 100). */
  executionDetails?: ExecutionDetails;
  /** The revision the job worked on. */
  currentRevision?: CurrentRevision;
  /** Output variables of the action; only when the job is finished (no `continuationToken`), and not for third-party jobs. */
  outputVariables?: Record<string, string>;
}

/** A job as a handler sees it. `artifactCredentials` is not enumerable, so logging or serializing the job never shows it. */
export interface WorkerJob {
  /** The job id. */
  id: string;
  /** The AWS account id the job belongs to. */
  accountId?: string;
  /** The action's configuration (`actionConfiguration.configuration`), `{}` when there is none. */
  configuration: Record<string, string>;
  /** Set when this job resumes work that returned a continuation token. */
  continuationToken?: string;
  /** The pipeline, stage and action the job runs for. */
  pipelineContext?: PipelineContext;
  /** Artifacts the action reads, with their S3 locations. */
  inputArtifacts: Artifact[];
  /** Artifacts the action is expected to write, with their S3 locations. */
  outputArtifacts: Artifact[];
  /** Temporary credentials for the artifact bucket. Redacted when logged or serialized. */
  artifactCredentials?: AWSSessionCredentials;
  /** The key the artifact store encrypts with, when it has one. */
  encryptionKey?: EncryptionKey;
  /** The job data as the service sent it (its `artifactCredentials` is hidden the same way). */
  data: JobData;
}

/** Given to a job handler with the job. */
export interface JobContext {
  /** Aborts when the worker gives up on the job (a stop that ran out of time, or the Lambda deadline). */
  signal: AbortSignal;
}

/** The function a job worker calls for each job; it returns a result (or nothing) when the work succeeded and throws when it failed. */
export type JobHandler<J = WorkerJob> = (job: J, context: JobContext) => JobResult | void | Promise<JobResult | void>;

/**
 * Throw this from a job handler to choose the failure `type` (default
 * `JobFailed`) or attach an `externalExecutionId`.
 */
export class JobFailedError extends Error {
  /** Always `"JobFailedError"`. */
  override readonly name = "JobFailedError";
  /** The failure type reported to CodePipeline; defaults to `JobFailed`. */
  readonly type: FailureType;
  /** Id of the run in the external system, reported with the failure. */
  readonly externalExecutionId?: string;
  constructor(message: string, options: { type?: FailureType; externalExecutionId?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.type = options.type ?? "JobFailed";
    if (options.externalExecutionId !== undefined) this.externalExecutionId = options.externalExecutionId;
  }
}

/** A handler returned a result the API would refuse; the job is reported as failed instead. */
export class JobResultError extends Error {
  /** Always `"JobResultError"`. */
  override readonly name = "JobResultError";
}

const FAILURE_TYPES: readonly string[] = ["JobFailed", "ConfigurationError", "PermissionError", "RevisionOutOfSync", "RevisionUnavailable", "SystemUnavailable"];

/** The secret values of a job, to keep them out of messages. */
export const secretsOf = (credentials: AWSSessionCredentials | undefined): string[] =>
  credentials ? [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken] : [];

/**
 * Turns what a handler threw into `failureDetails`:
 * - `type`: the error's `type` or `failureType` when it is a FailureType (as `JobFailedError` sets it);
 *   `PermissionError` for access-denied errors (HTTP 403, `AccessDenied...`, `Unauthorized...`, `Forbidden`);
 *   `SystemUnavailable` for throttling, timeouts and 5xx; otherwise `JobFailed`.
 * - `message`: the error's message (its name when empty), without secrets, cut to 5000 characters.
 */
export function failureDetailsFrom(error: unknown, secrets: readonly string[] = []): FailureDetails {
  const e = error as { type?: unknown; failureType?: unknown; externalExecutionId?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  const chosen = [e?.failureType, e?.type].find((t): t is FailureType => typeof t === "string" && FAILURE_TYPES.includes(t));
  const name = errorName(error);
  let type: FailureType = "JobFailed";
  if (chosen) type = chosen;
  else if (e?.$metadata?.httpStatusCode === 403 || /^(AccessDenied|Unauthorized|Forbidden)/.test(name)) type = "PermissionError";
  else {
    const kind = classifyError(error);
    if (kind === "THROTTLING" || kind === "TRANSIENT") type = "SystemUnavailable";
  }
  const text = errorMessage(error).trim() || name || "The job failed";
  const details: FailureDetails = { type, message: bound(redactSecrets(text, secrets), LIMITS.message) };
  if (typeof e?.externalExecutionId === "string" && e.externalExecutionId) details.externalExecutionId = bound(e.externalExecutionId, LIMITS.externalExecutionId);
  return details;
}

/** A failure raised by the helpers themselves (stop timeout, Lambda deadline, invalid result). */
export const helperFailure = (type: FailureType, message: string, secrets: readonly string[] = []): FailureDetails => ({
  type,
  message: bound(redactSecrets(message, secrets), LIMITS.message),
});

const checkString = (value: unknown, what: string, max: number): string => {
  if (typeof value !== "string" || value.length < 1 || value.length > max)
    throw new JobResultError(`${what} must be a string of 1 to ${max} characters${typeof value === "string" ? `, got ${value.length}` : ""}`);
  return value;
};

/**
 * Checks a handler's result against the API's rules and returns what can be
 * sent. Summaries are cut to their limit; anything else that breaks a rule
 * (output variables with a continuation token, `percentComplete` outside 0 to
 * 100, ids too long...) throws a `JobResultError`.
 */
export function checkJobResult(result: JobResult | void | undefined, options: { thirdParty?: boolean } = {}): JobResult {
  if (result === undefined || result === null) return {};
  if (typeof result !== "object") throw new JobResultError(`a job handler must return nothing or an object, got ${typeof result}`);
  const out: JobResult = {};
  if (result.continuationToken !== undefined) out.continuationToken = checkString(result.continuationToken, "continuationToken", LIMITS.continuationToken);
  if (result.outputVariables !== undefined) {
    if (options.thirdParty) throw new JobResultError("third-party jobs cannot report outputVariables");
    if (out.continuationToken !== undefined)
      throw new JobResultError("outputVariables can only be reported when the job is finished, not together with a continuationToken");
    const vars: Record<string, string> = {};
    for (const [key, value] of Object.entries(result.outputVariables)) {
      if (!OUTPUT_VARIABLE_KEY.test(key)) throw new JobResultError(`output variable name ${JSON.stringify(bound(key, 100))} may only use letters, digits, @, - and _`);
      if (typeof value !== "string") throw new JobResultError(`output variable ${key} must be a string, got ${typeof value}`);
      vars[key] = value;
    }
    out.outputVariables = vars;
  }
  const d = result.executionDetails;
  if (d !== undefined) {
    const details: ExecutionDetails = {};
    if (d.summary !== undefined && d.summary !== "") details.summary = bound(String(d.summary), LIMITS.summary);
    if (d.externalExecutionId !== undefined) details.externalExecutionId = checkString(d.externalExecutionId, "executionDetails.externalExecutionId", LIMITS.externalExecutionId);
    if (d.percentComplete !== undefined) {
      const p = d.percentComplete;
      if (!Number.isInteger(p) || p < LIMITS.percentMin || p > LIMITS.percentMax)
        throw new JobResultError(`executionDetails.percentComplete must be a whole number from 0 to 100, got ${String(p)}`);
      details.percentComplete = p;
    }
    out.executionDetails = details;
  }
  const r = result.currentRevision;
  if (r !== undefined) {
    const revision: CurrentRevision = {
      revision: checkString(r.revision, "currentRevision.revision", LIMITS.revision),
      changeIdentifier: checkString(r.changeIdentifier, "currentRevision.changeIdentifier", LIMITS.changeIdentifier),
    };
    if (r.created !== undefined) revision.created = r.created;
    if (r.revisionSummary !== undefined && r.revisionSummary !== "") revision.revisionSummary = bound(r.revisionSummary, LIMITS.summary);
    out.currentRevision = revision;
  }
  return out;
}

const REDACTED = "[artifact credentials redacted]";

/** Credentials that still work as credentials but print and serialize as a placeholder. */
export function sealCredentials(credentials: AWSSessionCredentials | undefined): AWSSessionCredentials | undefined {
  if (!credentials || typeof credentials !== "object") return undefined;
  const sealed = { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken };
  Object.defineProperty(sealed, "toJSON", { value: () => REDACTED, enumerable: false });
  Object.defineProperty(sealed, Symbol.for("nodejs.util.inspect.custom"), { value: () => REDACTED, enumerable: false });
  Object.defineProperty(sealed, "toString", { value: () => REDACTED, enumerable: false });
  return sealed;
}

/** Defines a property that works when read but does not show when the object is logged or serialized. */
export const hide = <T extends object>(target: T, key: string, value: unknown): T => {
  if (value !== undefined) Object.defineProperty(target, key, { value, enumerable: false, configurable: true, writable: true });
  return target;
};

/** Builds the handler's view of a job from its id and data. */
export function toWorkerJob(id: string, data: JobData | undefined, accountId?: string): WorkerJob {
  const credentials = sealCredentials(data?.artifactCredentials);
  const { artifactCredentials: _omit, ...rest } = data ?? {};
  const safeData = hide({ ...rest } as JobData, "artifactCredentials", credentials);
  const job: WorkerJob = {
    id,
    configuration: { ...(data?.actionConfiguration?.configuration ?? {}) },
    inputArtifacts: data?.inputArtifacts ?? [],
    outputArtifacts: data?.outputArtifacts ?? [],
    data: safeData,
  };
  if (accountId !== undefined) job.accountId = accountId;
  if (data?.continuationToken !== undefined) job.continuationToken = data.continuationToken;
  if (data?.pipelineContext !== undefined) job.pipelineContext = data.pipelineContext;
  if (data?.encryptionKey !== undefined) job.encryptionKey = data.encryptionKey;
  return hide(job, "artifactCredentials", credentials);
}
