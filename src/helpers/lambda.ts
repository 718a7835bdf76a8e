/**
 * A wrapper for Lambda functions used as CodePipeline invoke actions: it
 * always reports a result for the job, even when the function is about to
 * time out.
 */
import type { AWSSessionCredentials, Artifact, EncryptionKey, JobData } from "../../models/models.js";
import { CodePipelineClient } from "../client.js";
import { PutJobFailureResultCommand } from "../../commands/PutJobFailureResultCommand.js";
import { PutJobSuccessResultCommand } from "../../commands/PutJobSuccessResultCommand.js";
import type { FailureDetails } from "../../models/models.js";
import type { SendOptions } from "../config.js";
import { type CommandSender, errorMessage } from "./internal.js";
import { DEFAULT_REPORT_DEADLINE_MS, type JobResultUndeliveredError, type UndeliveredResult, deliverResult } from "./persist.js";
import { traceLambdaJob } from "./tracing.js";
import { type JobContext, type JobResult, type WorkerJob, checkJobResult, failureDetailsFrom, helperFailure, secretsOf, toWorkerJob } from "./jobs.js";

/**
 * An artifact as the Lambda event carries it: the service sends `revision: null` when there is none, so the type
 * allows it (as `@types/aws-lambda`'s `CodePipelineEvent` does).
 */
export type LambdaEventArtifact = Omit<Artifact, "revision"> & {
  /** The artifact's revision (e.g. a commit id); `null` or absent when it has none. */
  revision?: string | null;
};

/**
 * The event a Lambda invoke action receives. `CodePipelineEvent` from `@types/aws-lambda` is assignable to it, so a
 * handler made by `createLambdaJobHandler` can be typed as that package's `CodePipelineHandler`.
 */
export interface CodePipelineJobEvent {
  /** The job the function is asked to do. */
  "CodePipeline.job": {
    /** The job id, which the result is reported under. */
    id: string;
    /** The AWS account id the job belongs to. */
    accountId?: string;
    /** What the job is about: configuration, artifacts and credentials. */
    data: {
      /** The invoke action's configuration. */
      actionConfiguration?: {
        /** The action's configuration values. */
        configuration?: {
          /** Name of the Lambda function the action invokes. */
          FunctionName?: string;
          /** The free-form text configured on the action, passed to the function. */
          UserParameters?: string;
          [key: string]: string | undefined;
        };
      };
      /** Artifacts the action reads. */
      inputArtifacts?: LambdaEventArtifact[];
      /** Artifacts the action is expected to write. */
      outputArtifacts?: LambdaEventArtifact[];
      /** The event always carries a session token; the type leaves it optional, as `@types/aws-lambda` does. */
      artifactCredentials?: Omit<AWSSessionCredentials, "sessionToken"> & {
        /** Session token of the temporary artifact credentials. */
        sessionToken?: string;
      };
      /** Set when this invocation resumes work that reported a continuation token. */
      continuationToken?: string;
      /** The key the artifact store encrypts with, when it has one. */
      encryptionKey?: EncryptionKey;
    };
  };
}

/**
 * The event's job data as the API's `JobData`, the shape a polled job has: an artifact's `revision: null`
 * (the service's way of saying it has none) becomes an absent `revision`, as the client reads it from
 * `PollForJobs`. The event itself is left as it is.
 */
function jobData(data: CodePipelineJobEvent["CodePipeline.job"]["data"] | undefined): JobData | undefined {
  if (!data) return undefined;
  const artifacts = (list: LambdaEventArtifact[]): Artifact[] => list.map(({ revision, ...rest }) => (revision === null ? rest : { ...rest, revision }));
  const { inputArtifacts, outputArtifacts, artifactCredentials, ...rest } = data;
  // The event type leaves configuration values and the session token optional to fit @types/aws-lambda; the event has them.
  const out = rest as JobData;
  if (artifactCredentials) out.artifactCredentials = artifactCredentials as AWSSessionCredentials;
  if (inputArtifacts) out.inputArtifacts = artifacts(inputArtifacts);
  if (outputArtifacts) out.outputArtifacts = artifacts(outputArtifacts);
  return out;
}

/** The parts of the Lambda context this helper uses. */
export interface LambdaContextLike {
  /** Milliseconds left before Lambda stops the invocation. */
  getRemainingTimeInMillis(): number;
  /** Id of this invocation. */
  awsRequestId?: string;
  /** Name of the function being invoked. */
  functionName?: string;
}

/** A job as the Lambda handler sees it. */
export interface LambdaJob<P = unknown> extends WorkerJob {
  /**
   * `UserParameters` of the action: parsed when it is a JSON object, array or
   * string, otherwise the text as is; undefined when the action sets none.
   */
  userParameters: P;
  /** `UserParameters` exactly as configured. */
  userParametersText?: string;
}

/** Given to a Lambda job handler with the job. */
export interface LambdaJobContext extends JobContext {
  /** The Lambda context the function was invoked with. */
  lambdaContext: LambdaContextLike;
  /** Milliseconds left before this helper fails the job for lack of time. */
  remainingTimeMs(): number;
}

/** The function `createLambdaJobHandler` wraps: it returns a result (or nothing) when the job succeeded and throws when it failed. */
export type LambdaJobHandler<P = unknown> = (job: LambdaJob<P>, context: LambdaJobContext) => JobResult | void | Promise<JobResult | void>;

/** Options of `createLambdaJobHandler`. */
export interface LambdaJobHandlerOptions {
  /** Client used to report results. Default: a `CodePipelineClient` created at the first invocation (region from the Lambda environment). */
  client?: CommandSender;
  /**
   * Milliseconds kept back to report a failure before the function times out.
   * Default 3000, and never more than half of the time left at the start.
   */
  safetyMarginMs?: number;
  /**
   * How long reporting the result is retried (throttling, 5xx, network errors, timeouts), in ms.
   * Default 300 000, and never past the invocation's own deadline.
   */
  reportDeadlineMs?: number;
}

/**
 * The Lambda function `createLambdaJobHandler` returns. Called with an event and a context, it resolves with what
 * it did. The second signature is the shape the Lambda runtime calls (with a callback it does not use), which makes
 * the function a `CodePipelineHandler` of `@types/aws-lambda`.
 */
export interface LambdaJobFunction {
  (event: CodePipelineJobEvent, context: LambdaContextLike): Promise<LambdaJobOutcome>;
  (event: CodePipelineJobEvent, context: LambdaContextLike, callback: unknown): Promise<void>;
}

/** What one invocation did. */
export interface LambdaJobOutcome {
  /** Id of the job the invocation handled. */
  jobId: string;
  /** `succeeded`, `continued` (a continuation token was reported) or `failed`. */
  outcome: "succeeded" | "continued" | "failed";
  /** What was reported as the failure, when the outcome is `failed`. */
  failureDetails?: FailureDetails;
  /** Set when the job no longer took a result (it was already reported or timed out), so this one was not delivered. */
  undelivered?: JobResultUndeliveredError;
}

/** Parses `UserParameters` when it is a JSON object, array or string. */
export function parseUserParameters(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^[[{"]/.test(t)) return text;
  try {
    return JSON.parse(t);
  } catch {
    return text;
  }
}

/**
 * Wraps a Lambda invoke action handler so the job always gets a result:
 * `PutJobSuccessResult` when the handler returns (its result checked as
 * `checkJobResult` does), `PutJobFailureResult` when it throws, and
 * `PutJobFailureResult` shortly before the Lambda would time out, judged from
 * `context.getRemainingTimeInMillis()` (the handler's `signal` aborts then).
 *
 * Reporting is retried with backoff and jitter on throttling, 5xx, network errors
 * and timeouts, within `reportDeadlineMs` and the invocation's time. A result
 * that still cannot be delivered makes the invocation throw a
 * `JobResultUndeliveredError`, except when the job no longer accepts one
 * (`InvalidJobStateException`, `JobNotFoundException`): the outcome then carries
 * that error as `undelivered`. A retry that meets "job already finished" after an
 * earlier attempt that may have landed counts as delivered.
 * Credentials from the event never appear in messages, and the `job` object
 * hides them from logging and `JSON.stringify`.
 *
 * ```ts
 * export const handler = createLambdaJobHandler<{ env: string }>(async (job) => {
 *   await deploy(job.userParameters.env, job.inputArtifacts[0]);
 *   return { outputVariables: { env: job.userParameters.env } };
 * });
 * ```
 */
export function createLambdaJobHandler<P = unknown>(
  handler: LambdaJobHandler<P>,
  options: LambdaJobHandlerOptions = {},
): LambdaJobFunction {
  if (typeof handler !== "function") throw new TypeError("createLambdaJobHandler: handler must be a function");
  let client = options.client;
  const invoke = async (event: CodePipelineJobEvent, context: LambdaContextLike): Promise<LambdaJobOutcome> => {
    const raw = event?.["CodePipeline.job"];
    if (!raw?.id) throw new TypeError('createLambdaJobHandler: the event has no "CodePipeline.job" with an id; is this function invoked by a CodePipeline invoke action?');
    const sender = (client ??= new CodePipelineClient({}));
    // from the handler's start to the reported result, one job span when the client is traced
    return traceLambdaJob(sender, raw.id, context?.awsRequestId, () => handleJob(sender, raw, context));
  };
  const handleJob = async (sender: CommandSender, raw: CodePipelineJobEvent["CodePipeline.job"], context: LambdaContextLike): Promise<LambdaJobOutcome> => {
    const jobId = raw.id;
    const started = Date.now();
    const remainingAtStart = typeof context?.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : Infinity;
    const margin = Math.min(options.safetyMarginMs ?? 3000, remainingAtStart / 2);
    const deadline = started + remainingAtStart - margin;
    const remainingTimeMs = () => Math.max(0, deadline - Date.now());

    const base = toWorkerJob(jobId, jobData(raw.data), raw.accountId);
    const text = raw.data?.actionConfiguration?.configuration?.UserParameters;
    const job = Object.defineProperties(base, {
      userParameters: { value: parseUserParameters(text), enumerable: true, writable: true },
      userParametersText: { value: text, enumerable: text !== undefined, writable: true },
    }) as LambdaJob<P>;
    const secrets = secretsOf(job.artifactCredentials);

    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outOfTime = new Promise<"out of time">((resolve) => {
      if (remainingAtStart !== Infinity) timer = setTimeout(() => resolve("out of time"), Math.max(0, deadline - Date.now()));
    });
    const run = (async () => handler(job, { signal: controller.signal, lambdaContext: context, remainingTimeMs }))().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const settled = await Promise.race([run, outOfTime]);
    clearTimeout(timer);

    let outcome: LambdaJobOutcome;
    let result: UndeliveredResult;
    const fail = (failureDetails: FailureDetails) => {
      outcome = { jobId, outcome: "failed", failureDetails };
      result = { type: "failure", failureDetails };
    };
    if (settled === "out of time") {
      controller.abort();
      fail(
        helperFailure(
          "JobFailed",
          `The Lambda function was about to time out (${Math.round(remainingAtStart / 1000)} s were left when the job started); the job was failed before that happened.`,
          secrets,
        ),
      );
    } else if (!settled.ok) {
      fail(failureDetailsFrom(settled.error, secrets));
    } else {
      try {
        const checked = checkJobResult(settled.value);
        outcome = { jobId, outcome: checked.continuationToken ? "continued" : "succeeded" };
        result = { type: "success", result: checked };
      } catch (error) {
        fail(helperFailure("JobFailed", `The job handler returned an invalid result: ${errorMessage(error)}`, secrets));
      }
    }
    const send = (o: SendOptions) =>
      result.type === "success"
        ? sender.send(new PutJobSuccessResultCommand({ jobId, ...result.result }), o)
        : sender.send(new PutJobFailureResultCommand({ jobId, failureDetails: result.failureDetails }), o);
    // Reports get what is left of the invocation, so retries cannot outlive the function.
    const left = started + remainingAtStart - 100 - Date.now();
    try {
      await deliverResult(jobId, result!, send, Math.max(0, Math.min(options.reportDeadlineMs ?? DEFAULT_REPORT_DEADLINE_MS, left)));
    } catch (error) {
      if ((error as JobResultUndeliveredError).reason !== "gone") throw error;
      outcome!.undelivered = error as JobResultUndeliveredError;
    }
    return outcome!;
  };
  return invoke as LambdaJobFunction;
}
