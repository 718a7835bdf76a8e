import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  JobFailedError,
  checkJobResult,
  createJobWorker,
  createThirdPartyJobWorker,
  failureDetailsFrom,
  type JobWorker,
  type WorkerJob,
} from "../../src/index.js";
import { LIMITS, OUTPUT_VARIABLE_KEY } from "../../src/helpers/jobs.js";
import { shapes } from "../../src/generated/shapes.js";
import { FakeError, fakeService, uuid } from "../support/fake-service.js";

const actionTypeId = { category: "Build", owner: "Custom", provider: "MyBuilder", version: "1" } as const;
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
const SESSION = "FwoGZXIvYXdzEJr//////////wEaDSESSIONTOKEN";

const job = (n: number, data: object = {}) => ({
  id: uuid(n),
  nonce: `nonce-${n}`,
  accountId: "111122223333",
  data: {
    actionTypeId,
    actionConfiguration: { configuration: { Project: `p${n}` } },
    artifactCredentials: { accessKeyId: "ASIAEXAMPLEKEY", secretAccessKey: SECRET, sessionToken: SESSION },
    inputArtifacts: [{ name: "src", location: { type: "S3", s3Location: { bucketName: "b", objectKey: `k${n}` } } }],
    ...data,
  },
});

/** A service whose PollForJobs hands out queued jobs, at most `maxBatchSize` at a time (or all, when `greedy`). */
function jobService(queue: object[], options: { greedy?: boolean; ops?: Record<string, any> } = {}) {
  return fakeService({
    PollForJobs: (input) => ({ jobs: queue.splice(0, options.greedy ? queue.length : input.maxBatchSize) }),
    AcknowledgeJob: () => ({ status: "InProgress" }),
    PutJobSuccessResult: () => ({}),
    PutJobFailureResult: () => ({}),
    ...options.ops,
  });
}

const workers: JobWorker[] = [];
const start = (options: Parameters<typeof createJobWorker>[0]) => {
  const w = createJobWorker({ pollIntervalMs: 5, ...options });
  workers.push(w);
  return w;
};
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 0 }).catch(() => {})));
});

/** A promise with its resolve function. */
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("createJobWorker", () => {
  it("polls, acknowledges with the nonce, runs the handler and reports success", async () => {
    const svc = jobService([job(1)]);
    const seen: WorkerJob[] = [];
    const worker = start({
      client: svc.client,
      actionTypeId,
      queryParam: { Project: "p1" },
      concurrency: 3,
      handler: async (j) => {
        seen.push(j);
        return { executionDetails: { summary: "built", percentComplete: 100, externalExecutionId: "build-1" }, outputVariables: { IMAGE: "app:1" } };
      },
    });
    await vi.waitFor(() => expect(svc.count("PutJobSuccessResult")).toBe(1));
    await worker.stop();
    expect(svc.inputs("PollForJobs")[0]).toEqual({ actionTypeId, maxBatchSize: 3, queryParam: { Project: "p1" } });
    expect(svc.inputs("AcknowledgeJob")).toEqual([{ jobId: uuid(1), nonce: "nonce-1" }]);
    expect(svc.inputs("PutJobSuccessResult")).toEqual([
      { jobId: uuid(1), executionDetails: { summary: "built", externalExecutionId: "build-1", percentComplete: 100 }, outputVariables: { IMAGE: "app:1" } },
    ]);
    expect(seen[0]).toMatchObject({ id: uuid(1), accountId: "111122223333", configuration: { Project: "p1" }, inputArtifacts: [{ name: "src" }] });
    expect(seen[0]!.artifactCredentials?.secretAccessKey).toBe(SECRET);
  });

  it("reports a continuation token and resumes when the job comes back", async () => {
    const queue: object[] = [job(1)];
    const svc = jobService(queue, {
      ops: {
        PutJobSuccessResult: (input: any) => {
          // CodePipeline hands the work out again as a new job carrying the token
          if (input.continuationToken) queue.push(job(2, { continuationToken: input.continuationToken }));
          return {};
        },
      },
    });
    const calls: (string | undefined)[] = [];
    start({
      client: svc.client,
      actionTypeId,
      handler: (j) => {
        calls.push(j.continuationToken);
        if (!j.continuationToken) return { continuationToken: "deploy-42", executionDetails: { summary: "started", percentComplete: 10 } };
        return { executionDetails: { summary: `finished ${j.continuationToken}`, percentComplete: 100 }, outputVariables: { DEPLOYMENT: j.continuationToken } };
      },
    });
    await vi.waitFor(() => expect(svc.count("PutJobSuccessResult")).toBe(2));
    expect(calls).toEqual([undefined, "deploy-42"]);
    expect(svc.inputs("PutJobSuccessResult")).toEqual([
      { jobId: uuid(1), continuationToken: "deploy-42", executionDetails: { summary: "started", percentComplete: 10 } },
      { jobId: uuid(2), executionDetails: { summary: "finished deploy-42", percentComplete: 100 }, outputVariables: { DEPLOYMENT: "deploy-42" } },
    ]);
  });

  it("turns a thrown error into failureDetails with the right type and a bounded, secret-free message", async () => {
    const denied = Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } });
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const errors: unknown[] = [
      new Error("tests failed"),
      new JobFailedError("missing Project setting", { type: "ConfigurationError", externalExecutionId: "run-7" }),
      denied,
      throttled,
      new Error("x".repeat(6000)),
      new Error(`could not sign with ${SECRET} and ${SESSION}`),
      "a string",
    ];
    const svc = jobService(errors.map((_, i) => job(i + 1)));
    start({
      client: svc.client,
      actionTypeId,
      concurrency: 1,
      handler: (j) => {
        throw errors[Number(j.id.slice(-2)) - 1];
      },
    });
    await vi.waitFor(() => expect(svc.count("PutJobFailureResult")).toBe(errors.length));
    const details = svc.inputs("PutJobFailureResult").map((i) => i.failureDetails);
    expect(details[0]).toEqual({ type: "JobFailed", message: "tests failed" });
    expect(details[1]).toEqual({ type: "ConfigurationError", message: "missing Project setting", externalExecutionId: "run-7" });
    expect(details[2]).toEqual({ type: "PermissionError", message: "User is not authorized" });
    expect(details[3]).toEqual({ type: "SystemUnavailable", message: "Rate exceeded" });
    expect(details[4].message).toHaveLength(5000);
    expect(details[4].message.endsWith("…")).toBe(true);
    expect(details[5].message).toBe("could not sign with *** and ***");
    expect(details[6]).toEqual({ type: "JobFailed", message: "a string" });
    expect(svc.count("PutJobSuccessResult")).toBe(0);
  });

  it("enforces the API's rules on results before sending", async () => {
    const results: object[] = [
      { continuationToken: "t", outputVariables: { A: "1" } },
      { executionDetails: { percentComplete: 101 } },
      { executionDetails: { percentComplete: 2.5 } },
      { outputVariables: { "bad name": "1" } },
      { continuationToken: "x".repeat(2049) },
      { executionDetails: { summary: "s".repeat(3000), percentComplete: 0 } },
    ];
    const svc = jobService(results.map((_, i) => job(i + 1)));
    const onError = vi.fn();
    start({ client: svc.client, actionTypeId, onError, handler: (j) => results[Number(j.id.slice(-2)) - 1] });
    await vi.waitFor(() => expect(svc.count("PutJobFailureResult") + svc.count("PutJobSuccessResult")).toBe(results.length));
    const failures = svc.inputs("PutJobFailureResult").map((i) => i.failureDetails.message);
    expect(failures).toEqual([
      "The job handler returned an invalid result: outputVariables can only be reported when the job is finished, not together with a continuationToken",
      "The job handler returned an invalid result: executionDetails.percentComplete must be a whole number from 0 to 100, got 101",
      "The job handler returned an invalid result: executionDetails.percentComplete must be a whole number from 0 to 100, got 2.5",
      'The job handler returned an invalid result: output variable name "bad name" may only use letters, digits, @, - and _',
      "The job handler returned an invalid result: continuationToken must be a string of 1 to 2048 characters, got 2049",
    ]);
    expect(onError).toHaveBeenCalledTimes(5);
    const [success] = svc.inputs("PutJobSuccessResult");
    expect(success.executionDetails.summary).toHaveLength(2048);
    expect(success.executionDetails.percentComplete).toBe(0);
  });

  it("never runs more jobs at once than its concurrency, even when the service sends more", async () => {
    const svc = jobService(
      Array.from({ length: 7 }, (_, i) => job(i + 1)),
      { greedy: true },
    );
    let running = 0;
    let peak = 0;
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const worker = start({
      client: svc.client,
      actionTypeId,
      concurrency: 2,
      handler: async (j) => {
        running++;
        peak = Math.max(peak, running);
        const gate = deferred();
        gates.set(j.id, gate);
        await gate.promise;
        running--;
      },
    });
    for (let finished = 0; finished < 7; finished++) {
      await vi.waitFor(() => expect(gates.size).toBe(Math.min(finished + 2, 7)));
      expect(worker.running).toBe(Math.min(2, 7 - finished));
      gates.get(uuid(finished + 1))!.resolve();
      await vi.waitFor(() => expect(svc.count("PutJobSuccessResult")).toBe(finished + 1));
    }
    expect(peak).toBe(2);
    expect(svc.inputs("PollForJobs")[0]).toMatchObject({ maxBatchSize: 2 });
    // jobs beyond the free slots wait unacknowledged until a slot frees
    expect(svc.inputs("AcknowledgeJob").map((i) => i.jobId)).toEqual(Array.from({ length: 7 }, (_, i) => uuid(i + 1)));
  });

  it("asks only for as many jobs as it has free slots", async () => {
    const svc = jobService(Array.from({ length: 3 }, (_, i) => job(i + 1)));
    const gate = deferred();
    start({ client: svc.client, actionTypeId, concurrency: 3, handler: (j) => (j.id === uuid(1) ? gate.promise : undefined) });
    await vi.waitFor(() => expect(svc.count("PutJobSuccessResult")).toBe(2));
    await vi.waitFor(() => expect(svc.count("PollForJobs")).toBeGreaterThan(2));
    expect(svc.inputs("PollForJobs").at(-1)).toMatchObject({ maxBatchSize: 2 });
    gate.resolve();
  });

  it("stops gracefully: no new polls, running jobs finish and are reported", async () => {
    const svc = jobService([job(1)]);
    const gate = deferred();
    const started = deferred();
    const worker = start({
      client: svc.client,
      actionTypeId,
      handler: async () => {
        started.resolve();
        await gate.promise;
        return { executionDetails: { summary: "done" } };
      },
    });
    await started.promise;
    const stopped = worker.stop();
    expect(worker.stopping).toBe(true);
    const polls = svc.count("PollForJobs");
    let settled = false;
    void stopped.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    gate.resolve();
    await stopped;
    await worker.done;
    expect(svc.inputs("PutJobSuccessResult")).toEqual([{ jobId: uuid(1), executionDetails: { summary: "done" } }]);
    expect(svc.count("PollForJobs")).toBe(polls);
  });

  it("fails jobs still running when the stop timeout passes, and aborts their signal", async () => {
    const svc = jobService([job(1)]);
    const started = deferred();
    let signal: AbortSignal | undefined;
    const worker = start({
      client: svc.client,
      actionTypeId,
      handler: (_, ctx) => {
        signal = ctx.signal;
        started.resolve();
        return new Promise(() => {}); // never finishes
      },
    });
    await started.promise;
    await worker.stop({ timeoutMs: 20 });
    expect(signal?.aborted).toBe(true);
    expect(svc.inputs("PutJobFailureResult")).toEqual([
      { jobId: uuid(1), failureDetails: { type: "SystemUnavailable", message: "The job worker stopped before this job finished (waited 20 ms)." } },
    ]);
    expect(svc.count("PutJobSuccessResult")).toBe(0);
  });

  it("stops when its abortSignal aborts", async () => {
    const svc = jobService([]);
    const controller = new AbortController();
    const worker = start({ client: svc.client, actionTypeId, abortSignal: controller.signal, handler: () => {} });
    await vi.waitFor(() => expect(svc.count("PollForJobs")).toBeGreaterThan(0));
    controller.abort();
    await worker.done;
    const polls = svc.count("PollForJobs");
    await new Promise((r) => setTimeout(r, 30));
    expect(svc.count("PollForJobs")).toBe(polls);
  });

  it("skips a job another worker acknowledged first, without running or reporting it", async () => {
    const svc = jobService([job(1), job(2)], {
      ops: {
        AcknowledgeJob: (input: any) => {
          if (input.jobId === uuid(1)) throw new FakeError("InvalidNonceException", "nonce already used");
          return { status: "InProgress" };
        },
      },
    });
    const handled: string[] = [];
    const onError = vi.fn();
    start({ client: svc.client, actionTypeId, concurrency: 2, onError, handler: (j) => void handled.push(j.id) });
    await vi.waitFor(() => expect(svc.count("PutJobSuccessResult")).toBe(1));
    expect(handled).toEqual([uuid(2)]);
    expect(onError).not.toHaveBeenCalled();
  });

  it("keeps polling through throttling and reports the error; stops for good on ActionTypeNotFoundException", async () => {
    let n = 0;
    const onError = vi.fn();
    const svc = jobService([], {
      ops: {
        PollForJobs: () => {
          n++;
          if (n === 1) throw new FakeError("ThrottlingException", "Rate exceeded");
          if (n === 2) return { jobs: [job(1)] };
          throw new FakeError("ActionTypeNotFoundException", "no such action type");
        },
      },
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const worker = start({ client: svc.client, actionTypeId, onError, handler: () => {} });
      await vi.waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
      expect(onError.mock.calls[0]![0]).toMatchObject({ name: "ThrottlingException" });
      await vi.advanceTimersByTimeAsync(2000);
      await expect(worker.done).rejects.toMatchObject({ name: "ActionTypeNotFoundException" });
      expect(svc.count("PutJobSuccessResult")).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps artifact credentials out of logs, JSON and inspection of the job", async () => {
    const svc = jobService([job(1)]);
    const lines: string[] = [];
    const logger = { debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    let printed = "";
    start({
      client: svc.client,
      actionTypeId,
      logger,
      handler: (j) => {
        printed = JSON.stringify(j) + inspect(j, { depth: 10 }) + JSON.stringify(j.data) + inspect(j.artifactCredentials) + String(j.artifactCredentials);
        expect(j.data.artifactCredentials?.sessionToken).toBe(SESSION);
        throw new Error(`token ${SESSION}`);
      },
    });
    await vi.waitFor(() => expect(svc.count("PutJobFailureResult")).toBe(1));
    expect(lines.length).toBeGreaterThan(0);
    const everything = printed + lines.join("\n") + JSON.stringify(svc.inputs("PutJobFailureResult"));
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(SESSION);
    expect(everything).not.toContain("ASIAEXAMPLEKEY");
    expect(printed).toContain("[artifact credentials redacted]");
  });

  it("validates its options", () => {
    const svc = jobService([]);
    expect(() => createJobWorker({ client: svc.client, actionTypeId: { category: "Build" } as any, handler: () => {} })).toThrow(/actionTypeId/);
    expect(() => createJobWorker({ client: svc.client, actionTypeId, handler: () => {}, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => createJobWorker({ client: svc.client, actionTypeId } as any)).toThrow(/handler/);
    expect(svc.calls).toHaveLength(0);
  });
});

describe("createThirdPartyJobWorker", () => {
  const tpService = (queue: object[], extra: Record<string, any> = {}) =>
    fakeService({
      PollForThirdPartyJobs: (input) => ({ jobs: queue.splice(0, input.maxBatchSize) }),
      GetThirdPartyJobDetails: (input) => ({ jobDetails: { id: input.jobId, nonce: `nonce-${input.jobId.slice(-1)}`, data: job(Number(input.jobId.slice(-1))).data } }),
      AcknowledgeThirdPartyJob: () => ({ status: "InProgress" }),
      PutThirdPartyJobSuccessResult: () => ({}),
      PutThirdPartyJobFailureResult: () => ({}),
      ...extra,
    });

  it("reads, acknowledges and reports each job with its client token", async () => {
    const svc = tpService([
      { jobId: uuid(1), clientId: "client-a" },
      { jobId: uuid(2), clientId: "client-b" },
    ]);
    const w = createThirdPartyJobWorker({
      client: svc.client,
      actionTypeId: { ...actionTypeId, owner: "ThirdParty" },
      pollIntervalMs: 5,
      handler: (j) => {
        if (j.id === uuid(2)) throw new JobFailedError("bad revision", { type: "RevisionUnavailable" });
        return { continuationToken: "c1", executionDetails: { percentComplete: 40 } };
      },
    });
    workers.push(w);
    await vi.waitFor(() => expect(svc.count("PutThirdPartyJobSuccessResult") + svc.count("PutThirdPartyJobFailureResult")).toBe(2));
    expect(svc.inputs("GetThirdPartyJobDetails")).toEqual([
      { jobId: uuid(1), clientToken: "client-a" },
      { jobId: uuid(2), clientToken: "client-b" },
    ]);
    expect(svc.inputs("AcknowledgeThirdPartyJob")).toEqual([
      { jobId: uuid(1), nonce: "nonce-1", clientToken: "client-a" },
      { jobId: uuid(2), nonce: "nonce-2", clientToken: "client-b" },
    ]);
    expect(svc.inputs("PutThirdPartyJobSuccessResult")).toEqual([{ jobId: uuid(1), clientToken: "client-a", continuationToken: "c1", executionDetails: { percentComplete: 40 } }]);
    expect(svc.inputs("PutThirdPartyJobFailureResult")).toEqual([{ jobId: uuid(2), clientToken: "client-b", failureDetails: { type: "RevisionUnavailable", message: "bad revision" } }]);
  });

  it("uses a clientToken function when given, and refuses output variables", async () => {
    const svc = tpService([{ jobId: uuid(1), clientId: "client-a" }]);
    const w = createThirdPartyJobWorker({
      client: svc.client,
      actionTypeId,
      pollIntervalMs: 5,
      clientToken: ({ clientId }) => `secret-for-${clientId}`,
      handler: () => ({ outputVariables: { A: "1" } }),
    });
    workers.push(w);
    await vi.waitFor(() => expect(svc.count("PutThirdPartyJobFailureResult")).toBe(1));
    expect(svc.inputs("PutThirdPartyJobFailureResult")[0]).toEqual({
      jobId: uuid(1),
      clientToken: "secret-for-client-a",
      failureDetails: { type: "JobFailed", message: "The job handler returned an invalid result: third-party jobs cannot report outputVariables" },
    });
  });
});

describe("job result rules", () => {
  it("use the limits of the model", () => {
    const len = (name: string) => shapes[name] as { min?: number; max?: number; pattern?: string };
    expect(LIMITS.summary).toBe(len("ExecutionSummary").max);
    expect(LIMITS.summary).toBe(len("RevisionSummary").max);
    expect(LIMITS.message).toBe(len("Message").max);
    expect(LIMITS.continuationToken).toBe(len("ContinuationToken").max);
    expect(LIMITS.revision).toBe(len("Revision").max);
    expect(LIMITS.changeIdentifier).toBe(len("RevisionChangeIdentifier").max);
    expect([LIMITS.percentMin, LIMITS.percentMax]).toEqual([len("Percentage").min, len("Percentage").max]);
    expect(OUTPUT_VARIABLE_KEY.source).toBe(len("OutputVariablesKey").pattern);
    const execId = (shapes.ExecutionDetails as any).m.externalExecutionId.t;
    expect(LIMITS.externalExecutionId).toBe(len(execId).max);
  });

  it("checkJobResult passes a valid result through and drops empty summaries", () => {
    expect(checkJobResult(undefined)).toEqual({});
    expect(
      checkJobResult({ currentRevision: { revision: "abc", changeIdentifier: "c1", revisionSummary: "" }, executionDetails: { summary: "" } }),
    ).toEqual({ currentRevision: { revision: "abc", changeIdentifier: "c1" }, executionDetails: {} });
    expect(() => checkJobResult({ currentRevision: { revision: "abc" } as any })).toThrow(/changeIdentifier/);
  });

  it("failureDetailsFrom never returns an empty message", () => {
    expect(failureDetailsFrom(new Error(""))).toEqual({ type: "JobFailed", message: "Error" });
  });
});
