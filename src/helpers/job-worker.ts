/**
 * Job workers for custom actions (`PollForJobs`) and third-party actions
 * (`PollForThirdPartyJobs`): poll, acknowledge, run the handler, report.
 */
import type { Logger } from "@smithy/types";
import type { ActionTypeId, FailureDetails } from "../../models/models.js";
import type { SendOptions } from "../config.js";
import { type CommandSender, checkClient, errorMessage, errorName, isAbort, isThrottling, sleepUnlessAborted } from "./internal.js";
import { DEFAULT_ACKNOWLEDGE_DEADLINE_MS, DEFAULT_REPORT_DEADLINE_MS, type UndeliveredResult, deliverResult, persist } from "./persist.js";
import { type JobHandler, type JobResult, type WorkerJob, checkJobResult, failureDetailsFrom, helperFailure, secretsOf } from "./jobs.js";
import { type Backend, type Claimed, customJobs, thirdPartyJobs } from "./job-backends.js";
import { jobTracing } from "./tracing.js";

/** Options shared by the custom and third-party job workers. */
export interface JobWorkerOptions<J = WorkerJob> {
  /** A `CodePipelineClient` or `CodePipeline`. */
  client: CommandSender;
  /** The custom action type whose jobs this worker runs. */
  actionTypeId: ActionTypeId;
  /** Runs one job. Return a result (or nothing) for success, throw for failure. */
  handler: JobHandler<J>;
  /** Jobs handled at the same time. Default 1. */
  concurrency?: number;
  /** Pause after a poll that found no job, in ms. Default 5000. */
  pollIntervalMs?: number;
  /**
   * Longest time one handler may run, in ms. Past it the handler's signal aborts, the job is
   * reported as failed with a message saying so, and its slot takes the next job at once.
   * Default 3 600 000 (an hour, after which CodePipeline times a custom action out anyway).
   */
  jobTimeoutMs?: number;
  /**
   * How long reporting a result is retried (throttling, 5xx, network errors, timeouts), in ms,
   * with backoff and jitter. Default 300 000 (5 minutes).
   */
  reportDeadlineMs?: number;
  /** How long acknowledging a job is retried, in ms. Default 30 000. */
  acknowledgeDeadlineMs?: number;
  /** Aborting it stops the worker gracefully, as `stop()` does. */
  abortSignal?: AbortSignal;
  /** How long a stop waits for running jobs before failing them, in ms. Default 60 000. */
  stopTimeoutMs?: number;
  /**
   * Called with errors that do not stop the worker: a failed poll, a job that could not be
   * acknowledged, and a result that could not be delivered (a `JobResultUndeliveredError`
   * carrying the job id, the result and the attempts).
   */
  onError?: (error: unknown, job?: { id: string }) => void;
  /** Receives one line per job event; never credentials. */
  logger?: Pick<Logger, "debug" | "info" | "warn" | "error">;
}

/** Options of a worker for jobs of a custom action type. */
export interface CustomJobWorkerOptions extends JobWorkerOptions {
  /** Only poll jobs whose queryable action configuration property has this value (at most one entry). */
  queryParam?: Record<string, string>;
}

/** Options of a worker for third-party jobs, which need a client token for each call. */
export interface ThirdPartyJobWorkerOptions extends JobWorkerOptions {
  /**
   * The client token for a job, which every third-party call needs. Default:
   * the `clientId` that `PollForThirdPartyJobs` returned with the job.
   */
  clientToken?: (job: { jobId: string; clientId?: string }) => string | Promise<string>;
}

/** Options of a worker's `stop()`. */
export interface StopOptions {
  /** Overrides `stopTimeoutMs` for this stop. `0` fails running jobs at once. */
  timeoutMs?: number;
}

/** A running worker. */
export interface JobWorker {
  /**
   * Stops polling at once and aborts running handlers' signals (a request to wind down).
   * Running jobs may still finish within the stop timeout; jobs still running after it are
   * failed with a message saying the worker stopped. Resolves like `done`.
   */
  stop(options?: StopOptions): Promise<void>;
  /** Settles when the worker has stopped and every job it took is reported; rejects if polling failed for good. */
  readonly done: Promise<void>;
  /** Jobs being handled now. */
  readonly running: number;
  /** True once a stop began. */
  readonly stopping: boolean;
}

/** One polled job before it is handed to the handler. */
/** Errors after which polling can never work: the worker stops and `done` rejects. */
const FATAL = ["ActionTypeNotFoundException", "ValidationException", "ConfigurationError", "InputError"];
/** Acknowledge answers meaning another worker took the job, or it is gone. */
const TAKEN = ["InvalidNonceException", "JobNotFoundException", "InvalidJobException", "InvalidJobStateException"];
/** Longest pause between polls after errors, in ms: a job that appears when the service recovers waits at most this long. */
export const MAX_POLL_BACKOFF_MS = 4000;
export const DEFAULT_JOB_TIMEOUT_MS = 3_600_000;

function validate(options: JobWorkerOptions<any>, what: string) {
  checkClient(options?.client, what);
  const id = options.actionTypeId;
  if (!id?.category || !id.owner || !id.provider || !id.version)
    throw new TypeError(`${what}: actionTypeId needs category, owner, provider and version`);
  if (typeof options.handler !== "function") throw new TypeError(`${what}: handler must be a function`);
  const c = options.concurrency ?? 1;
  if (!Number.isInteger(c) || c < 1) throw new TypeError(`${what}: concurrency must be a whole number of at least 1, got ${String(options.concurrency)}`);
  for (const key of ["pollIntervalMs", "jobTimeoutMs", "reportDeadlineMs", "acknowledgeDeadlineMs"] as const) {
    const v = options[key];
    if (v !== undefined && !(v >= 0)) throw new TypeError(`${what}: ${key} must be 0 or more, got ${String(v)}`);
  }
}

/** Why a job's handler did not finish. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown } | "gave up" | "timed out";

function runWorker<Item>(options: JobWorkerOptions<any>, backend: Backend<Item>): JobWorker {
  const concurrency = options.concurrency ?? 1;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  const jobTimeoutMs = options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
  const reportDeadlineMs = options.reportDeadlineMs ?? DEFAULT_REPORT_DEADLINE_MS;
  const ackDeadlineMs = options.acknowledgeDeadlineMs ?? DEFAULT_ACKNOWLEDGE_DEADLINE_MS;
  const log = options.logger;
  const onError = (error: unknown, job?: { id: string }) => {
    log?.warn?.(`${backend.kind} worker: ${job ? `job ${job.id}: ` : ""}${errorName(error)}: ${errorMessage(error)}`);
    try {
      options.onError?.(error, job);
    } catch {
      // a throwing onError must not stop the worker
    }
  };

  const jobSpans = jobTracing(options, backend);
  const stopController = new AbortController();
  /** Aborted when running jobs are given up on. */
  const giveUp = new AbortController();
  let stopTimeout = options.stopTimeoutMs ?? 60_000;
  let stopping = false;
  /** Jobs holding a slot: being claimed or handled. */
  const running = new Set<Promise<void>>();
  /** Results being delivered; they hold no slot, and `done` waits for them. */
  const reporting = new Set<Promise<void>>();
  const queue: Item[] = [];
  let slotFreed: (() => void) | undefined;

  const stop = (stopOptions: StopOptions = {}): Promise<void> => {
    if (!stopping) {
      stopping = true;
      if (stopOptions.timeoutMs !== undefined) stopTimeout = stopOptions.timeoutMs;
      stopController.abort();
      slotFreed?.();
    }
    return done;
  };
  const onExternalAbort = () => void stop();
  options.abortSignal?.addEventListener("abort", onExternalAbort, { once: true });

  /** Retries one claim request until the acknowledge deadline; throws its last error. */
  const call = async <T>(f: (o: SendOptions) => Promise<T>): Promise<T> => {
    const r = await persist(f, ackDeadlineMs);
    if (!r.ok) throw r.error;
    return r.value as T;
  };

  /** Delivers a result in the background: the job's slot is free already. */
  const report = (claimed: Claimed, result: UndeliveredResult, done: string) => {
    const { job } = claimed;
    const send = (o: SendOptions) => (result.type === "success" ? claimed.succeed(result.result, o) : claimed.fail(result.failureDetails, o));
    const p: Promise<void> = deliverResult(job.id, result, send, reportDeadlineMs)
      .then(
        ({ assumed }) => log?.info?.(`${backend.kind} worker: job ${job.id} ${done}${assumed ? " (an earlier attempt was accepted)" : ""}`),
        (error) => onError(error, job),
      )
      .finally(() => reporting.delete(p));
    reporting.add(p);
    jobSpans.delivering(claimed, p);
  };

  async function handle(item: Item): Promise<void> {
    let claimed: Claimed | undefined;
    try {
      claimed = await backend.claim(item, call);
    } catch (error) {
      if (TAKEN.includes(errorName(error))) log?.debug?.(`${backend.kind} worker: job ${backend.idOf(item)} was taken by another worker`);
      else onError(error, { id: backend.idOf(item) });
      return;
    }
    if (!claimed) return;
    const { job } = claimed;
    const secrets = secretsOf(job.artifactCredentials);
    const fail = (details: FailureDetails, what: string) => report(claimed!, { type: "failure", failureDetails: details }, `failed: ${what}`);
    const stoppedMessage = () => helperFailure("SystemUnavailable", `The ${backend.kind} worker stopped before this job finished (waited ${stopTimeout} ms).`, secrets);
    if (giveUp.signal.aborted) {
      // Acknowledged after the stop ran out of time: report it without starting the handler.
      fail(stoppedMessage(), "the worker stopped");
      return;
    }
    const jobSignal = new AbortController();
    const listeners: [AbortSignal, () => void][] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = new Promise<"gave up" | "timed out">((resolve) => {
      const on = (signal: AbortSignal, f: () => void) => {
        if (signal.aborted) return f();
        signal.addEventListener("abort", f, { once: true });
        listeners.push([signal, f]);
      };
      on(giveUp.signal, () => resolve("gave up"));
      // A stop asks running handlers to wind down; they keep their slot until the stop timeout.
      on(stopController.signal, () => jobSignal.abort(stopReason(backend.kind)));
      if (jobTimeoutMs > 0 && jobTimeoutMs !== Infinity) timer = setTimeout(() => resolve("timed out"), jobTimeoutMs);
    });
    log?.info?.(`${backend.kind} worker: job ${job.id} started${job.continuationToken ? " (continued)" : ""}`);
    const run = (async () => options.handler(job, { signal: jobSignal.signal }))().then(
      (value): Outcome => ({ ok: true, value }),
      (error: unknown): Outcome => ({ ok: false, error }),
    );
    const outcome: Outcome = await Promise.race([run, ended]);
    clearTimeout(timer);
    for (const [signal, f] of listeners) signal.removeEventListener("abort", f);
    if (outcome === "gave up") {
      jobSignal.abort(stopReason(backend.kind));
      return fail(stoppedMessage(), "the worker stopped");
    }
    if (outcome === "timed out") {
      const message = `The job handler did not finish within ${jobTimeoutMs} ms (jobTimeoutMs); the job was failed and the handler's signal aborted.`;
      jobSignal.abort(Object.assign(new Error(message), { name: "TimeoutError" }));
      return fail(helperFailure("JobFailed", message, secrets), "timed out");
    }
    if (!outcome.ok) {
      if (isAbort(outcome.error) && jobSignal.signal.aborted && stopping) return fail(stoppedMessage(), "the worker stopped");
      return fail(failureDetailsFrom(outcome.error, secrets), "the handler threw");
    }
    let result: JobResult;
    try {
      result = checkJobResult(outcome.value as JobResult | undefined, { thirdParty: backend.thirdParty });
    } catch (error) {
      onError(error, job);
      return fail(helperFailure("JobFailed", `The job handler returned an invalid result: ${errorMessage(error)}`, secrets), "invalid result");
    }
    report(claimed, { type: "success", result }, result.continuationToken ? "continues later" : "succeeded");
  }

  const start = (item: Item) => {
    const p: Promise<void> = jobSpans
      .run(item, () => handle(item))
      .catch((error) => onError(error, { id: backend.idOf(item) }))
      .finally(() => {
        running.delete(p);
        slotFreed?.();
      });
    running.add(p);
  };

  const waitForSlot = () =>
    new Promise<void>((resolve) => {
      slotFreed = () => {
        slotFreed = undefined;
        resolve();
      };
    });

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      while (queue.length && running.size < concurrency && !stopping) start(queue.shift()!);
      if (stopping) break;
      if (running.size >= concurrency) {
        await waitForSlot();
        continue;
      }
      let items: Item[];
      try {
        items = await backend.poll(concurrency - running.size, stopController.signal);
        failures = 0;
      } catch (error) {
        if (stopping || isAbort(error)) break;
        if (FATAL.includes(errorName(error))) throw error;
        onError(error);
        // Capped and jittered: the client's retry quota already spaces the requests that fail,
        // and a job that appears when the service recovers is picked up within the cap.
        const ceiling = Math.min(MAX_POLL_BACKOFF_MS, Math.max(pollIntervalMs, (isThrottling(error) ? 1000 : 500) * 2 ** failures++));
        await sleepUnlessAborted(ceiling / 2 + Math.random() * (ceiling / 2), stopController.signal);
        continue;
      }
      if (items.length === 0) {
        await sleepUnlessAborted(pollIntervalMs, stopController.signal);
        continue;
      }
      queue.push(...items);
    }
  }

  /** Waits for every running job, then for every report. */
  async function finish(): Promise<void> {
    // Polled jobs that were never acknowledged stay with the service for another worker.
    queue.length = 0;
    if (running.size > 0) {
      const allDone = Promise.all(running).then(() => undefined);
      if (stopTimeout !== Infinity) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const expired = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, stopTimeout));
        });
        await Promise.race([allDone, expired]);
        clearTimeout(timer);
        // Jobs still running are failed now; each settles once its failure is reported.
        if (running.size > 0) giveUp.abort();
      }
      await allDone;
    }
    while (reporting.size > 0) await Promise.all(reporting);
  }

  if (options.abortSignal?.aborted) stopping = true;
  const done: Promise<void> = (async () => {
    try {
      await loop();
    } catch (error) {
      stopping = true;
      stopController.abort();
      await finish();
      throw error;
    } finally {
      options.abortSignal?.removeEventListener("abort", onExternalAbort);
    }
    await finish();
  })();
  // `done` may never be awaited when the worker runs until the process ends.
  done.catch(() => {});

  return {
    stop,
    done,
    get running() {
      return running.size;
    },
    get stopping() {
      return stopping;
    },
  };
}

const stopReason = (kind: string) => Object.assign(new Error(`The ${kind} worker is stopping`), { name: "AbortError" });

/**
 * Starts a job worker for a custom action: polls `PollForJobs` (asking for as
 * many jobs as it has free slots), acknowledges each job with its nonce, runs
 * `handler(job)` and reports `PutJobSuccessResult` or `PutJobFailureResult`.
 *
 * - A returned `continuationToken` reports progress; CodePipeline sends the job
 *   again later with `job.continuationToken` set, and the handler resumes.
 * - A thrown error becomes `failureDetails` (see `failureDetailsFrom`); throw a
 *   `JobFailedError` to pick the failure type.
 * - Results are checked before they are sent (see `checkJobResult`).
 * - Acknowledging and reporting are retried with backoff and jitter on throttling,
 *   5xx, network errors and timeouts (`acknowledgeDeadlineMs`, `reportDeadlineMs`);
 *   a result that still cannot be delivered reaches `onError` as a
 *   `JobResultUndeliveredError`.
 * - `jobTimeoutMs` bounds each handler: past it the job is failed and its slot freed.
 * - `stop()` (or `abortSignal`) stops polling at once, aborts the handlers' signals and
 *   lets running jobs finish within `stopTimeoutMs`; the rest are failed with a clear message.
 */
export function createJobWorker(options: CustomJobWorkerOptions): JobWorker {
  validate(options, "createJobWorker");
  return runWorker(options, customJobs(options));
}

/**
 * Starts a job worker for a third-party action: polls `PollForThirdPartyJobs`,
 * reads each job with `GetThirdPartyJobDetails`, acknowledges it with
 * `AcknowledgeThirdPartyJob`, runs `handler(job)` and reports
 * `PutThirdPartyJobSuccessResult` or `PutThirdPartyJobFailureResult`, each with
 * the job's client token. Otherwise it behaves as `createJobWorker`.
 */
export function createThirdPartyJobWorker(options: ThirdPartyJobWorkerOptions): JobWorker {
  validate(options, "createThirdPartyJobWorker");
  return runWorker(options, thirdPartyJobs(options));
}
