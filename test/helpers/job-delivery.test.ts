/**
 * Job workers under faults: results and acknowledgements retried through outages,
 * undeliverable results reported loudly, per-job timeouts, and quick recovery after throttling.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { JobResultUndeliveredError, createJobWorker, createThirdPartyJobWorker, type JobWorker } from "../../src/index.js";
import { FakeError, fakeService, uuid } from "../support/fake-service.js";
import { advance, useClock } from "../support/clock.js";

const actionTypeId = { category: "Build", owner: "Custom", provider: "MyBuilder", version: "1" } as const;
const job = (n: number) => ({ id: uuid(n), nonce: `nonce-${n}`, data: { actionTypeId, actionConfiguration: { configuration: {} } } });

/** Fails with HTTP 500 until `ms` after the first call, then answers with `then`. */
const outage = (ms: number, then: () => unknown) => {
  let from: number | undefined;
  return () => {
    from ??= Date.now();
    if (Date.now() - from < ms) throw new FakeError("InternalFailure", "try later", 500);
    return then();
  };
};

const workers: JobWorker[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 0 }).catch(() => {})));
});
const start = (w: JobWorker) => (workers.push(w), w);

describe("job result delivery", () => {
  it("delivers a result through 1.5 s of HTTP 500 on PutJobSuccessResult, and acknowledges through 1.5 s of 500 on AcknowledgeJob", async () => {
    const queue = [job(1)];
    const onError = vi.fn();
    let accepted = 0;
    const svc = fakeService({
      PollForJobs: () => ({ jobs: queue.splice(0) }),
      AcknowledgeJob: outage(1500, () => ({ status: "InProgress" })),
      PutJobSuccessResult: outage(1500, () => ((accepted += 1), {})),
    });
    const handled: string[] = [];
    const w = start(createJobWorker({ client: svc.client, actionTypeId, pollIntervalMs: 10, onError, handler: (j) => void handled.push(j.id) }));
    await vi.waitFor(() => expect(handled).toEqual([uuid(1)]), { timeout: 10_000 });
    // stopping waits for the result to be delivered
    await w.stop();
    expect(accepted).toBe(1);
    expect(svc.count("AcknowledgeJob")).toBeGreaterThan(2);
    expect(svc.count("PutJobSuccessResult")).toBeGreaterThan(2);
    expect(onError).not.toHaveBeenCalled();
  });

  it("counts a retry that finds the job finished, after an attempt whose answer was lost, as delivered", async () => {
    const queue = [job(1)];
    const onError = vi.fn();
    const svc = fakeService({
      PollForJobs: () => ({ jobs: queue.splice(0) }),
      AcknowledgeJob: () => ({ status: "InProgress" }),
      PutJobFailureResult: (_, { n }) => {
        if (n === 1) throw new FakeError("ServiceUnavailable", "answer lost", 503);
        throw new FakeError("InvalidJobStateException", "the job is Failed and cannot take another result");
      },
    });
    const w = start(createJobWorker({ client: svc.client, actionTypeId, pollIntervalMs: 10, onError, handler: () => Promise.reject(new Error("boom")) }));
    await vi.waitFor(() => expect(svc.count("PutJobFailureResult")).toBe(2), { timeout: 5000 });
    await w.stop();
    expect(onError).not.toHaveBeenCalled();
  });

  it("gives onError a JobResultUndeliveredError with the job id, the result and the attempts when the report deadline passes", async () => {
    useClock();
    const queue = [job(1)];
    const onError = vi.fn();
    const svc = fakeService({
      PollForJobs: () => ({ jobs: queue.splice(0) }),
      AcknowledgeJob: () => ({ status: "InProgress" }),
      PutJobSuccessResult: () => {
        throw new FakeError("InternalFailure", "down", 500);
      },
    });
    const w = start(createJobWorker({ client: svc.client, actionTypeId, pollIntervalMs: 1000, onError, handler: () => ({ continuationToken: "step-2" }) }));
    await advance(4 * 60_000, 500);
    expect(onError).not.toHaveBeenCalled();
    await advance(70_000, 500);
    expect(onError).toHaveBeenCalledTimes(1);
    const [error, about] = onError.mock.calls[0]!;
    expect(error).toBeInstanceOf(JobResultUndeliveredError);
    expect(error).toMatchObject({ jobId: uuid(1), reason: "deadline", result: { type: "success", result: { continuationToken: "step-2" } } });
    expect(error.attempts).toBe(svc.count("PutJobSuccessResult"));
    expect(error.message).toMatch(/continuation result of job .* not delivered after \d+ attempts: the report deadline passed/);
    expect(about).toEqual(expect.objectContaining({ id: uuid(1) }));
    const stopped = w.stop();
    await advance(1000);
    await stopped;
  });

  it("retries GetThirdPartyJobDetails and the acknowledgement of third-party jobs", async () => {
    const queue = [{ jobId: uuid(3), clientId: "client-3" }];
    const svc = fakeService({
      PollForThirdPartyJobs: () => ({ jobs: queue.splice(0) }),
      GetThirdPartyJobDetails: outage(800, () => ({ jobDetails: { id: uuid(3), nonce: "n3", data: {} } })),
      AcknowledgeThirdPartyJob: outage(800, () => ({ status: "InProgress" })),
      PutThirdPartyJobSuccessResult: () => ({}),
    });
    start(createThirdPartyJobWorker({ client: svc.client, actionTypeId, pollIntervalMs: 10, handler: () => {} }));
    await vi.waitFor(() => expect(svc.count("PutThirdPartyJobSuccessResult")).toBe(1), { timeout: 10_000 });
    expect(svc.count("GetThirdPartyJobDetails")).toBeGreaterThan(1);
  });
});

describe("per-job timeout", () => {
  it("fails a hung job at jobTimeoutMs with a message saying so, aborts its signal and frees its slot at once", async () => {
    const queue = [job(1), job(2)];
    const svc = fakeService({
      PollForJobs: () => ({ jobs: queue.splice(0, 1) }),
      AcknowledgeJob: () => ({ status: "InProgress" }),
      PutJobSuccessResult: () => ({}),
      PutJobFailureResult: () => ({}),
    });
    let hung: AbortSignal | undefined;
    const t0 = Date.now();
    start(
      createJobWorker({
        client: svc.client,
        actionTypeId,
        concurrency: 1,
        pollIntervalMs: 10,
        jobTimeoutMs: 300,
        handler: (j, { signal }) => {
          if (j.id !== uuid(1)) return;
          hung = signal;
          return new Promise(() => {}); // never settles
        },
      }),
    );
    await vi.waitFor(() => expect(svc.inputs("PutJobSuccessResult")).toEqual([{ jobId: uuid(2) }]), { timeout: 5000 });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(hung?.aborted).toBe(true);
    expect(hung?.reason).toMatchObject({ name: "TimeoutError" });
    expect(svc.inputs("PutJobFailureResult")).toEqual([
      {
        jobId: uuid(1),
        failureDetails: { type: "JobFailed", message: "The job handler did not finish within 300 ms (jobTimeoutMs); the job was failed and the handler's signal aborted." },
      },
    ]);
  });

  it("aborts running handlers' signals when the worker stops", async () => {
    const queue = [job(1)];
    const svc = fakeService({
      PollForJobs: () => ({ jobs: queue.splice(0) }),
      AcknowledgeJob: () => ({ status: "InProgress" }),
      PutJobFailureResult: () => ({}),
    });
    let signal: AbortSignal | undefined;
    const w = start(
      createJobWorker({
        client: svc.client,
        actionTypeId,
        pollIntervalMs: 10,
        handler: (_, ctx) =>
          new Promise((_, reject) => {
            signal = ctx.signal;
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
          }),
      }),
    );
    await vi.waitFor(() => expect(signal).toBeDefined());
    await w.stop();
    expect(signal!.aborted).toBe(true);
    expect(svc.inputs("PutJobFailureResult")[0].failureDetails.message).toMatch(/worker stopped before this job finished/);
  });
});

describe("poll recovery", () => {
  it("after 20 s of throttled polls, handles a job that appears on recovery within a few seconds, polling no more than every 2 s meanwhile", async () => {
    useClock();
    const t0 = Date.now();
    const queue = [job(1)];
    let handledAt: number | undefined;
    const svc = fakeService({
      PollForJobs: () => {
        if (Date.now() - t0 < 20_000) throw new FakeError("ThrottlingException", "Rate exceeded");
        return { jobs: queue.splice(0) };
      },
      AcknowledgeJob: () => ({ status: "InProgress" }),
      PutJobSuccessResult: () => ({}),
    });
    start(createJobWorker({ client: svc.client, actionTypeId, handler: () => void (handledAt = Date.now()) }));
    await advance(30_000, 100);
    expect(handledAt).toBeDefined();
    expect(handledAt! - t0 - 20_000).toBeLessThan(4_500);
    // 20 s of throttling: at most one poll per 2 s (the retry quota of the client spaces its own retries)
    expect(svc.count("PollForJobs")).toBeLessThanOrEqual(12);
  });
});
