/**
 * What differs between custom jobs (`PollForJobs`) and third-party jobs (`PollForThirdPartyJobs`):
 * how the job worker polls, claims (fetches and acknowledges) and reports each kind.
 */
import type { FailureDetails, JobData } from "../../models/models.js";
import { AcknowledgeJobCommand } from "../../commands/AcknowledgeJobCommand.js";
import { AcknowledgeThirdPartyJobCommand } from "../../commands/AcknowledgeThirdPartyJobCommand.js";
import { GetThirdPartyJobDetailsCommand } from "../../commands/GetThirdPartyJobDetailsCommand.js";
import { PollForJobsCommand } from "../../commands/PollForJobsCommand.js";
import { PollForThirdPartyJobsCommand } from "../../commands/PollForThirdPartyJobsCommand.js";
import { PutJobFailureResultCommand } from "../../commands/PutJobFailureResultCommand.js";
import { PutJobSuccessResultCommand } from "../../commands/PutJobSuccessResultCommand.js";
import { PutThirdPartyJobFailureResultCommand } from "../../commands/PutThirdPartyJobFailureResultCommand.js";
import { PutThirdPartyJobSuccessResultCommand } from "../../commands/PutThirdPartyJobSuccessResultCommand.js";
import type { SendOptions } from "../config.js";
import { type JobResult, type WorkerJob, toWorkerJob } from "./jobs.js";
import type { CustomJobWorkerOptions, ThirdPartyJobWorkerOptions } from "./job-worker.js";

export interface Claimed {
  job: WorkerJob;
  succeed(result: JobResult, options: SendOptions): Promise<unknown>;
  fail(details: FailureDetails, options: SendOptions): Promise<unknown>;
}

/** What differs between custom and third-party jobs. */
export interface Backend<Item> {
  kind: string;
  thirdParty: boolean;
  poll(max: number, signal: AbortSignal): Promise<Item[]>;
  /**
   * Fetches, acknowledges and wraps a polled job; undefined when another worker has it.
   * `call` retries each request until the acknowledge deadline. Not cancelled by a stop:
   * an acknowledged job must be reported, and stopping waits for it.
   */
  claim(item: Item, call: <T>(f: (options: SendOptions) => Promise<T>) => Promise<T>): Promise<Claimed | undefined>;
  idOf(item: Item): string;
}

/** Custom-action jobs: `PollForJobs`, `AcknowledgeJob` with the nonce, `PutJobSuccessResult` / `PutJobFailureResult`. */
export function customJobs(options: CustomJobWorkerOptions): Backend<{ id?: string; nonce?: string; data?: JobData; accountId?: string }> {
  const client = options.client;
  const { actionTypeId, queryParam } = options;
  return {
    kind: "job",
    thirdParty: false,
    idOf: (item) => item.id ?? "(no id)",
    async poll(max, signal) {
      const res = await client.send(new PollForJobsCommand({ actionTypeId, maxBatchSize: max, queryParam }), { abortSignal: signal });
      return res.jobs ?? [];
    },
    async claim(item, call) {
      const jobId = item.id;
      const nonce = item.nonce;
      if (!jobId || !nonce) return undefined;
      const ack = await call((o) => client.send(new AcknowledgeJobCommand({ jobId, nonce }), o));
      if (ack.status && ack.status !== "InProgress" && ack.status !== "Dispatched") return undefined;
      return {
        job: toWorkerJob(jobId, item.data, item.accountId),
        succeed: (result, o) => client.send(new PutJobSuccessResultCommand({ jobId, ...result }), o),
        fail: (failureDetails, o) => client.send(new PutJobFailureResultCommand({ jobId, failureDetails }), o),
      };
    },
  };
}

/** Third-party jobs: the same, with `GetThirdPartyJobDetails` before the acknowledgement and the job's client token on each call. */
export function thirdPartyJobs(options: ThirdPartyJobWorkerOptions): Backend<{ jobId?: string; clientId?: string }> {
  const client = options.client;
  const { actionTypeId } = options;
  return {
    kind: "third-party job",
    thirdParty: true,
    idOf: (item) => item.jobId ?? "(no id)",
    async poll(max, signal) {
      const res = await client.send(new PollForThirdPartyJobsCommand({ actionTypeId, maxBatchSize: max }), { abortSignal: signal });
      return res.jobs ?? [];
    },
    async claim(item, call) {
      const jobId = item.jobId;
      if (!jobId) return undefined;
      const clientToken = options.clientToken ? await options.clientToken({ jobId, clientId: item.clientId }) : item.clientId;
      if (!clientToken) throw new TypeError(`third-party job ${jobId} came without a clientId; pass a clientToken option`);
      const details = (await call((o) => client.send(new GetThirdPartyJobDetailsCommand({ jobId, clientToken }), o))).jobDetails;
      const nonce = details?.nonce;
      if (!nonce) return undefined;
      const ack = await call((o) => client.send(new AcknowledgeThirdPartyJobCommand({ jobId, nonce, clientToken }), o));
      if (ack.status && ack.status !== "InProgress" && ack.status !== "Dispatched") return undefined;
      return {
        job: toWorkerJob(details.id ?? jobId, details.data),
        succeed: (result, o) => client.send(new PutThirdPartyJobSuccessResultCommand({ jobId, clientToken, ...result }), o),
        fail: (failureDetails, o) => client.send(new PutThirdPartyJobFailureResultCommand({ jobId, clientToken, failureDetails }), o),
      };
    },
  };
}
