/**
 * Job workers for custom actions (`PollForJobs`) and third-party actions
 * (`PollForThirdPartyJobs`): poll, acknowledge, run the handler, report.
 */
import type { Logger } from "@smithy/types";
import type { ActionTypeId, FailureDetails, JobData } from "../../models/models.js";
import { AcknowledgeJobCommand } from "../../commands/AcknowledgeJobCommand.js";
import { AcknowledgeThirdPartyJobCommand } from "../../commands/AcknowledgeThirdPartyJobCommand.js";
import { GetThirdPartyJobDetailsCommand } from "../../commands/GetThirdPartyJobDetailsCommand.js";
import { PollForJobsCommand } from "../../commands/PollForJobsCommand.js";
import { PollForThirdPartyJobsCommand } from "../../commands/PollForThirdPartyJobsCommand.js";
import { PutJobFailureResultCommand } from "../../commands/PutJobFailureResultCommand.js";
import { PutJobSuccessResultCommand } from "../../commands/PutJobSuccessResultCommand.js";
import { PutThirdPartyJobFailureResultCommand } from "../../commands/PutThirdPartyJobFailureResultCommand.js";
import { PutThirdPartyJobSuccessResultCommand } from "../../commands/PutThirdPartyJobSuccessResultCommand.js";
import { type CommandSender, checkClient, errorMessage, errorName, isAbort, isThrottling, sleep } from "./internal.js";
import { type JobHandler, type JobResult, type WorkerJob, checkJobResult, failureDetailsFrom, helperFailure, secretsOf, toWorkerJob } from "./jobs.js";
import { jobTracing } from "./tracing.js";

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
  /** Aborting it stops the worker gracefully, as `stop()` does. */
  abortSignal?: AbortSignal;
  /** How long a stop waits for running jobs before failing them, in ms. Default 60 000. */
  stopTimeoutMs?: number;
  /** Called with errors that do not stop the worker (a failed poll, a result that could not be reported...). */
  onError?: (error: unknown, job?: { id: string }) => void;
  /** Receives one line per job event; never credentials. */
  logger?: Pick<Logger, "debug" | "info" | "warn" | "error">;
}

export interface CustomJobWorkerOptions extends JobWorkerOptions {
  /** Only poll jobs whose queryable action configuration property has this value (at most one entry). */
  queryParam?: Record<string, string>;
}

export interface ThirdPartyJobWorkerOptions extends JobWorkerOptions {
  /**
   * The client token for a job, which every third-party call needs. Default:
   * the `clientId` that `PollForThirdPartyJobs` returned with the job.
   */
  clientToken?: (job: { jobId: string; clientId?: string }) => string | Promise<string>;
}

export interface StopOptions {
  /** Overrides `stopTimeoutMs` for this stop. `0` fails running jobs at once. */
  timeoutMs?: number;
}

/** A running worker. */
export interface JobWorker {
  /**
   * Stops polling at once. Running jobs may finish within the stop timeout;
   * jobs still running after it are failed with a message saying the worker
   * stopped, and their handlers' signals abort. Resolves like `done`.
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
interface Claimed {
  job: WorkerJob;
  succeed(result: JobResult): Promise<void>;
  fail(details: FailureDetails): Promise<void>;
}

/** What differs between custom and third-party jobs. */
interface Backend<Item> {
  kind: string;
  thirdParty: boolean;
  poll(max: number, signal: AbortSignal): Promise<Item[]>;
  /**
   * Fetches, acknowledges and wraps a polled job; undefined when another worker has it.
   * Not cancelled by a stop: an acknowledged job must be reported, and stopping waits for it.
   */
  claim(item: Item): Promise<Claimed | undefined>;
  idOf(item: Item): string;
}

/** Errors after which polling can never work: the worker stops and `done` rejects. */
const FATAL = ["ActionTypeNotFoundException", "ValidationException", "ConfigurationError", "InputError"];
/** Acknowledge answers meaning another worker took the job, or it is gone. */
const TAKEN = ["InvalidNonceException", "JobNotFoundException", "InvalidJobException", "InvalidJobStateException"];
const MAX_ERROR_BACKOFF = 60_000;

function validate(options: JobWorkerOptions<any>, what: string) {
  checkClient(options?.client, what);
  const id = options.actionTypeId;
  if (!id?.category || !id.owner || !id.provider || !id.version)
    throw new TypeError(`${what}: actionTypeId needs category, owner, provider and version`);
  if (typeof options.handler !== "function") throw new TypeError(`${what}: handler must be a function`);
  const c = options.concurrency ?? 1;
  if (!Number.isInteger(c) || c < 1) throw new TypeError(`${what}: concurrency must be a whole number of at least 1, got ${String(options.concurrency)}`);
  const p = options.pollIntervalMs ?? 5000;
  if (!(p >= 0)) throw new TypeError(`${what}: pollIntervalMs must be 0 or more, got ${String(options.pollIntervalMs)}`);
}

function runWorker<Item>(options: JobWorkerOptions<any>, backend: Backend<Item>): JobWorker {
  const concurrency = options.concurrency ?? 1;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
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
  const running = new Set<Promise<void>>();
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

  async function handle(item: Item): Promise<void> {
    let claimed: Claimed | undefined;
    try {
      claimed = await backend.claim(item);
    } catch (error) {
      if (TAKEN.includes(errorName(error))) log?.debug?.(`${backend.kind} worker: job ${backend.idOf(item)} was taken by another worker`);
      else onError(error, { id: backend.idOf(item) });
      return;
    }
    if (!claimed) return;
    const { job } = claimed;
    const secrets = secretsOf(job.artifactCredentials);
    let reported = false;
    const report = async (send: () => Promise<void>) => {
      if (reported) return;
      reported = true;
      try {
        await send();
      } catch (error) {
        onError(error, job);
      }
    };
    const stoppedMessage = () => helperFailure("SystemUnavailable", `The ${backend.kind} worker stopped before this job finished (waited ${stopTimeout} ms).`, secrets);
    if (giveUp.signal.aborted) {
      // Acknowledged after the stop ran out of time: report it without starting the handler.
      await report(() => claimed!.fail(stoppedMessage()));
      return;
    }
    const jobSignal = new AbortController();
    let onGiveUp: (() => void) | undefined;
    const gaveUp = new Promise<"gave up">((resolve) => {
      onGiveUp = () => resolve("gave up");
      giveUp.signal.addEventListener("abort", onGiveUp, { once: true });
    });
    log?.info?.(`${backend.kind} worker: job ${job.id} started${job.continuationToken ? " (continued)" : ""}`);
    const run = (async () => options.handler(job, { signal: jobSignal.signal }))().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const outcome = await Promise.race([run, gaveUp]);
    giveUp.signal.removeEventListener("abort", onGiveUp!);
    if (outcome === "gave up") {
      jobSignal.abort();
      await report(() => claimed!.fail(stoppedMessage()));
      log?.info?.(`${backend.kind} worker: job ${job.id} failed: the worker stopped`);
      return;
    }
    if (!outcome.ok) {
      await report(() => claimed!.fail(failureDetailsFrom(outcome.error, secrets)));
      log?.info?.(`${backend.kind} worker: job ${job.id} failed`);
      return;
    }
    let result: JobResult;
    try {
      result = checkJobResult(outcome.value, { thirdParty: backend.thirdParty });
    } catch (error) {
      onError(error, job);
      await report(() => claimed!.fail(helperFailure("JobFailed", `The job handler returned an invalid result: ${errorMessage(error)}`, secrets)));
      return;
    }
    await report(() => claimed!.succeed(result));
    log?.info?.(`${backend.kind} worker: job ${job.id} ${result.continuationToken ? "continues later" : "succeeded"}`);
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
    let errorDelay = 0;
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
        errorDelay = 0;
      } catch (error) {
        if (stopping || isAbort(error)) break;
        if (FATAL.includes(errorName(error))) throw error;
        onError(error);
        errorDelay = Math.min(MAX_ERROR_BACKOFF, Math.max(errorDelay * 2, pollIntervalMs, isThrottling(error) ? 2000 : 1000));
        await sleep(errorDelay, stopController.signal);
        continue;
      }
      if (items.length === 0) {
        await sleep(pollIntervalMs, stopController.signal);
        continue;
      }
      queue.push(...items);
    }
  }

  async function finish(): Promise<void> {
    // Polled jobs that were never acknowledged stay with the service for another worker.
    queue.length = 0;
    if (running.size === 0) return;
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
 * - `stop()` (or `abortSignal`) stops polling at once and lets running jobs
 *   finish within `stopTimeoutMs`; the rest are failed with a clear message.
 */
export function createJobWorker(options: CustomJobWorkerOptions): JobWorker {
  validate(options, "createJobWorker");
  const client = options.client;
  const { actionTypeId, queryParam } = options;
  return runWorker<{ id?: string; nonce?: string; data?: JobData; accountId?: string }>(options, {
    kind: "job",
    thirdParty: false,
    idOf: (item) => item.id ?? "(no id)",
    async poll(max, signal) {
      const res = await client.send(new PollForJobsCommand({ actionTypeId, maxBatchSize: max, queryParam }), { abortSignal: signal });
      return res.jobs ?? [];
    },
    async claim(item) {
      const jobId = item.id;
      if (!jobId || !item.nonce) return undefined;
      const ack = await client.send(new AcknowledgeJobCommand({ jobId, nonce: item.nonce }));
      if (ack.status && ack.status !== "InProgress" && ack.status !== "Dispatched") return undefined;
      return {
        job: toWorkerJob(jobId, item.data, item.accountId),
        async succeed(result) {
          await client.send(new PutJobSuccessResultCommand({ jobId, ...result }));
        },
        async fail(failureDetails) {
          await client.send(new PutJobFailureResultCommand({ jobId, failureDetails }));
        },
      };
    },
  });
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
  const client = options.client;
  const { actionTypeId } = options;
  return runWorker<{ jobId?: string; clientId?: string }>(options, {
    kind: "third-party job",
    thirdParty: true,
    idOf: (item) => item.jobId ?? "(no id)",
    async poll(max, signal) {
      const res = await client.send(new PollForThirdPartyJobsCommand({ actionTypeId, maxBatchSize: max }), { abortSignal: signal });
      return res.jobs ?? [];
    },
    async claim(item) {
      const jobId = item.jobId;
      if (!jobId) return undefined;
      const clientToken = options.clientToken ? await options.clientToken({ jobId, clientId: item.clientId }) : item.clientId;
      if (!clientToken) throw new TypeError(`third-party job ${jobId} came without a clientId; pass a clientToken option`);
      const details = (await client.send(new GetThirdPartyJobDetailsCommand({ jobId, clientToken }))).jobDetails;
      if (!details?.nonce) return undefined;
      const ack = await client.send(new AcknowledgeThirdPartyJobCommand({ jobId, nonce: details.nonce, clientToken }));
      if (ack.status && ack.status !== "InProgress" && ack.status !== "Dispatched") return undefined;
      return {
        job: toWorkerJob(details.id ?? jobId, details.data),
        async succeed(result) {
          await client.send(new PutThirdPartyJobSuccessResultCommand({ jobId, clientToken, ...result }));
        },
        async fail(failureDetails) {
          await client.send(new PutThirdPartyJobFailureResultCommand({ jobId, clientToken, failureDetails }));
        },
      };
    },
  });
}
