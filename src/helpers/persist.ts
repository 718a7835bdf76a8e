/**
 * Calls that must get through: a job's result, its acknowledgement. Each is
 * retried with capped exponential backoff and full jitter on retryable errors
 * until the service answers, the error says retrying cannot help, or a
 * deadline passes. Every attempt is bounded by the time left.
 */
import type { FailureDetails } from "../../models/models.js";
import type { SendOptions } from "../config.js";
import { classifyError } from "../retry/classify.js";
import type { JobResult } from "./jobs.js";
import { errorMessage, errorName, isRetryable, sleepUnlessAborted } from "./internal.js";

/** Default time a job worker keeps trying to report a job's result: 5 minutes. */
export const DEFAULT_REPORT_DEADLINE_MS = 300_000;
/** Default time a job worker keeps trying to acknowledge a job: 30 seconds. */
export const DEFAULT_ACKNOWLEDGE_DEADLINE_MS = 30_000;
/** First backoff ceiling and the largest one, in ms (full jitter: the pause is random below the ceiling). */
const BASE_MS = 250;
const CAP_MS = 10_000;

/** Answers meaning the job no longer takes a result (already reported, timed out, gone). */
export const JOB_GONE = ["InvalidJobStateException", "JobNotFoundException"];

/** A pause drawn at random below `min(cap, base * 2^n)` ("full jitter"). */
export const fullJitter = (n: number, base = BASE_MS, cap = CAP_MS): number => Math.random() * Math.min(cap, base * 2 ** n);

/**
 * An `AbortSignal` that aborts after `ms` milliseconds with a `TimeoutError`
 * reason, or when `parent` aborts; `clear` stops the timer. The timer does not
 * keep a Node process alive.
 */
export function deadlineSignal(ms: number, parent?: AbortSignal, what = "deadline"): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent!.reason);
  const timer = setTimeout(() => {
    const reason = new Error(`The ${what} of ${Math.round(ms)} ms passed`);
    reason.name = "TimeoutError";
    controller.abort(reason);
  }, Math.max(0, ms));
  (timer as { unref?: () => void }).unref?.();
  if (parent?.aborted) onParent();
  else parent?.addEventListener("abort", onParent, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParent);
    },
  };
}

/** An error after which the request may still have reached the service and been acted on. */
const mayHaveLanded = (error: unknown): boolean => {
  if (retriedInside(error) || errorName(error) === "AbortError" || errorName(error) === "TimeoutError") return true;
  const kind = classifyError(error);
  return (kind === "TRANSIENT" || kind === "SERVER_ERROR") && (error as { code?: unknown }).code !== "ECONNREFUSED";
};

/** The client retried inside one `send`: an earlier attempt of that call may have landed. */
const retriedInside = (error: unknown): boolean => ((error as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts ?? 1) > 1;

export interface Persisted<T> {
  /** Set when an attempt succeeded. */
  ok: boolean;
  value?: T;
  /** The last error, when no attempt succeeded. */
  error?: unknown;
  /** Attempts made (each is one `send`, which may retry inside the client). */
  attempts: number;
  /** An earlier attempt failed in a way that may still have reached the service. */
  uncertain: boolean;
  /** Retrying stopped because the deadline passed. */
  expired: boolean;
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retryable,
 * or `deadlineMs` passes. Each attempt gets send options whose abort signal
 * fires when the deadline does (or `signal` aborts), and `operationTimeout`
 * set to the time left, so no attempt outlives the deadline.
 */
export async function persist<T>(attempt: (options: SendOptions) => Promise<T>, deadlineMs: number, signal?: AbortSignal): Promise<Persisted<T>> {
  const end = Date.now() + deadlineMs;
  const out: Persisted<T> = { ok: false, attempts: 0, uncertain: false, expired: false };
  for (let n = 0; ; n++) {
    const left = end - Date.now();
    const bound = deadlineSignal(left, signal);
    out.attempts++;
    try {
      out.value = await attempt({ abortSignal: bound.signal, operationTimeout: left } as SendOptions);
      out.ok = true;
      return out;
    } catch (error) {
      out.error = error;
      const cut = bound.signal.aborted;
      if (!cut && !isRetryable(error)) {
        // The service's answer may reflect an earlier attempt that landed.
        out.uncertain ||= retriedInside(error);
        return out;
      }
      out.uncertain ||= mayHaveLanded(error);
      const pause = fullJitter(n);
      if (cut || signal?.aborted || Date.now() + pause >= end) {
        out.expired = !signal?.aborted;
        return out;
      }
      if (!(await sleepUnlessAborted(pause, signal))) return out;
    } finally {
      bound.clear();
    }
  }
}

/** What a job was to be told, when it could not be told. */
export type UndeliveredResult =
  | {
      /** The job was to be reported as succeeded (or continued). */
      type: "success";
      /** The result the handler returned. */
      result: JobResult;
    }
  | {
      /** The job was to be reported as failed. */
      type: "failure";
      /** The failure that was to be reported. */
      failureDetails: FailureDetails;
    };

/**
 * A job's result could not be reported: the service kept failing until the
 * report deadline passed, refused the report, or no longer takes a result for
 * the job. Carries the job id, the result that was not delivered, the number
 * of attempts and (as `cause`) the last error.
 */
export class JobResultUndeliveredError extends Error {
  /** Always `"JobResultUndeliveredError"`. */
  override readonly name = "JobResultUndeliveredError";
  /** Id of the job whose result was not delivered. */
  readonly jobId: string;
  /** The result that was not delivered. */
  readonly result: UndeliveredResult;
  /** How many reports were tried; each is one `send`, which may retry inside the client. */
  readonly attempts: number;
  /** `deadline` (retried until the report deadline), `gone` (the job takes no result any more) or `rejected` (an error retrying cannot fix). */
  readonly reason: "deadline" | "gone" | "rejected";
  constructor(jobId: string, result: UndeliveredResult, attempts: number, reason: JobResultUndeliveredError["reason"], cause: unknown) {
    const what = result.type === "success" ? (result.result.continuationToken ? "continuation" : "success") : "failure";
    const why =
      reason === "deadline"
        ? "the report deadline passed"
        : reason === "gone"
          ? "the job no longer takes a result"
          : "the service refused it";
    super(`The ${what} result of job ${jobId} was not delivered after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${why} (last error ${errorName(cause)}: ${errorMessage(cause)})`, {
      cause,
    });
    this.jobId = jobId;
    this.result = result;
    this.attempts = attempts;
    this.reason = reason;
  }
}

/**
 * Reports a job's result with `persist`. Resolves when the service accepted it,
 * or when it answered "job already finished" after an earlier attempt that may
 * have landed (that attempt delivered it). Otherwise rejects with a
 * `JobResultUndeliveredError`.
 */
export async function deliverResult(
  jobId: string,
  result: UndeliveredResult,
  send: (options: SendOptions) => Promise<unknown>,
  deadlineMs: number,
): Promise<{ attempts: number; assumed: boolean }> {
  const r = await persist(send, deadlineMs);
  if (r.ok) return { attempts: r.attempts, assumed: false };
  const gone = JOB_GONE.includes(errorName(r.error));
  if (gone && r.uncertain) return { attempts: r.attempts, assumed: true };
  throw new JobResultUndeliveredError(jobId, result, r.attempts, gone ? "gone" : r.expired ? "deadline" : "rejected", r.error);
}
