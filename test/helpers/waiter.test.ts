import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  WaiterError,
  startPipelineExecutionAndWait,
  waitForPipelineExecutionComplete,
  waitUntilPipelineExecutionComplete,
} from "../../src/index.js";
import { FakeError, fakeService, hang, uuid } from "../support/fake-service.js";
import { advance, settle, useClock } from "../support/clock.js";

const EXEC = uuid(1);
const input = { pipelineName: "app", pipelineExecutionId: EXEC };
const execution = (status: string, extra: object = {}) => ({ pipelineExecution: { pipelineName: "app", pipelineExecutionId: EXEC, status, ...extra } });
/** GetPipelineExecution answering the given statuses in turn (the last one repeats). */
const statuses = (...list: string[]) => (_: unknown, { n }: { n: number }) => execution(list[Math.min(n, list.length) - 1]!);

beforeEach(() => {
  useClock();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("waitForPipelineExecutionComplete", () => {
  it("returns SUCCESS once the execution succeeded, checking no more often than minDelay", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0); // every pause is exactly minDelay
    const svc = fakeService({ GetPipelineExecution: statuses("InProgress", "InProgress", "Succeeded") });
    const wait = waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 600, minDelay: 10 }, input);
    await advance(9_900);
    expect(svc.count("GetPipelineExecution")).toBe(1);
    await advance(200);
    expect(svc.count("GetPipelineExecution")).toBe(2);
    const result = await settle(wait);
    expect(result.state).toBe("SUCCESS");
    expect(result.status).toBe("Succeeded");
    expect(result.execution?.pipelineExecutionId).toBe(EXEC);
    expect(result.observedResponses).toEqual({ InProgress: 2, Succeeded: 1 });
    expect(svc.inputs("GetPipelineExecution")[0]).toEqual({ pipelineName: "app", pipelineExecutionId: EXEC });
  });

  it.each([
    ["Failed", "Failed", 'in stage "Build", action "Compile": JobFailed: exit code 2'],
    ["Stopped", "Abandoned", 'in stage "Build", action "Compile" (Abandoned)'],
    ["Cancelled", "InProgress", 'in stage "Build", action "Compile" (InProgress)'],
  ])("returns FAILURE for %s, naming the stage and action", async (status, actionStatus, where) => {
    const svc = fakeService({
      GetPipelineExecution: statuses("InProgress", status),
      ListActionExecutions: () => ({
        actionExecutionDetails: [
          { pipelineExecutionId: EXEC, stageName: "Source", actionName: "Checkout", status: "Succeeded", lastUpdateTime: 1_700_000_000 },
          {
            pipelineExecutionId: EXEC,
            stageName: "Build",
            actionName: "Compile",
            status: actionStatus,
            lastUpdateTime: 1_700_000_100,
            output: actionStatus === "Failed" ? { executionResult: { errorDetails: { code: "JobFailed", message: "exit code 2" } } } : undefined,
          },
        ],
      }),
    });
    const result = await settle(waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 600 }, input));
    expect(result.state).toBe("FAILURE");
    expect(result.status).toBe(status);
    expect(result.failure).toMatchObject({ stageName: "Build", actionName: "Compile", actionStatus });
    expect(result.reason).toBe(`Pipeline "app" execution ${EXEC} ${status} ${where}`);
    expect(svc.inputs("ListActionExecutions")[0]).toEqual({ pipelineName: "app", filter: { pipelineExecutionId: EXEC }, maxResults: 100 });
  });

  it("returns FAILURE for Superseded, with the status summary as the reason", async () => {
    const svc = fakeService({
      GetPipelineExecution: () => execution("Superseded", { statusSummary: "A newer execution replaced this one" }),
    });
    const result = await settle(waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 60 }, input));
    expect(result).toMatchObject({ state: "FAILURE", status: "Superseded" });
    expect(result.reason).toBe(`Pipeline "app" execution ${EXEC} Superseded: A newer execution replaced this one`);
  });

  it("finds the failed action in the pipeline state when the execution's action runs cannot be listed", async () => {
    const svc = fakeService({
      GetPipelineExecution: () => execution("Failed"),
      ListActionExecutions: () => {
        throw new FakeError("AccessDeniedException", "not allowed", 403);
      },
      GetPipelineState: () => ({
        stageStates: [
          { stageName: "Source", latestExecution: { pipelineExecutionId: EXEC, status: "Succeeded" } },
          {
            stageName: "Deploy",
            latestExecution: { pipelineExecutionId: EXEC, status: "Failed" },
            actionStates: [
              { actionName: "Prepare", latestExecution: { status: "Succeeded" } },
              { actionName: "Push", latestExecution: { status: "Failed", errorDetails: { message: "denied" } } },
            ],
          },
        ],
      }),
    });
    const result = await settle(waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 60 }, input));
    expect(result.failure).toMatchObject({ stageName: "Deploy", actionName: "Push" });
    expect(result.reason).toBe(`Pipeline "app" execution ${EXEC} Failed in stage "Deploy", action "Push": denied`);
  });

  it("returns TIMEOUT after maxWaitTime, with the last check starting a second before the deadline", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const svc = fakeService({ GetPipelineExecution: statuses("InProgress") });
    const start = Date.now();
    const times: number[] = [];
    const client = { send: (cmd: any, o?: any) => (times.push(Date.now() - start), svc.client.send(cmd, o)) };
    const result = await settle(waitForPipelineExecutionComplete({ client, maxWaitTime: 25, minDelay: 10 }, input));
    expect(result.state).toBe("TIMEOUT");
    expect(result.status).toBe("InProgress");
    expect(result.reason).toBe(`Pipeline "app" execution ${EXEC} still InProgress after 25 s (maxWaitTime)`);
    expect(times).toEqual([0, 10_000, 20_000, 24_000]);
  });

  it("ends at once with ABORTED when aborted between checks", async () => {
    const svc = fakeService({ GetPipelineExecution: statuses("InProgress") });
    const controller = new AbortController();
    const wait = waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 600, abortSignal: controller.signal }, input);
    await advance(1000);
    controller.abort();
    const result = await settle(wait, { maxMs: 0 });
    expect(result.state).toBe("ABORTED");
    expect(svc.count("GetPipelineExecution")).toBe(1);
  });

  it("ends at once with ABORTED when aborted during a request", async () => {
    const svc = fakeService({ GetPipelineExecution: () => hang() });
    const controller = new AbortController();
    const wait = waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 600, abortSignal: controller.signal }, input);
    await advance(100);
    controller.abort();
    expect((await settle(wait, { maxMs: 0 })).state).toBe("ABORTED");
  });

  it("returns ABORTED without a request when the signal is already aborted", async () => {
    const svc = fakeService({ GetPipelineExecution: statuses("Succeeded") });
    const result = await waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 600, abortSignal: AbortSignal.abort() }, input);
    expect(result.state).toBe("ABORTED");
    expect(svc.count("GetPipelineExecution")).toBe(0);
  });

  it("keeps waiting through throttling, pausing longer after each throttled check", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.999999); // pauses at the top of each backoff range
    let n = 0;
    const svc = fakeService({
      GetPipelineExecution: () => {
        n++;
        if (n >= 2 && n <= 3) throw new FakeError("ThrottlingException", "Rate exceeded");
        return execution(n < 5 ? "InProgress" : "Succeeded");
      },
    });
    const start = Date.now();
    const times: number[] = [];
    const client = { send: (cmd: any, o?: any) => (times.push(Math.round((Date.now() - start) / 1000)), svc.client.send(cmd, o)) };
    const result = await settle(waitForPipelineExecutionComplete({ client, maxWaitTime: 3600, minDelay: 1, maxDelay: 1000 }, input));
    expect(result.state).toBe("SUCCESS");
    expect(result.observedResponses).toMatchObject({ ThrottlingException: 2 });
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // without throttling the pauses would be 1, 2, 4, 8 s; each throttled check doubles the next pause once more
    expect(gaps).toEqual([1, 4, 16, 32]);
  });

  it("returns FAILURE at once for an error that waiting cannot fix", async () => {
    const svc = fakeService({
      GetPipelineExecution: () => {
        throw new FakeError("PipelineNotFoundException", "The pipeline app does not exist");
      },
    });
    const result = await settle(waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 600 }, input));
    expect(result.state).toBe("FAILURE");
    expect(result.reason).toBe("GetPipelineExecution failed with PipelineNotFoundException: The pipeline app does not exist");
    expect(svc.count("GetPipelineExecution")).toBe(1);
  });

  it("tolerates a not-found execution for the first checks after it started", async () => {
    const svc = fakeService({
      GetPipelineExecution: (_: unknown, { n }: { n: number }) => {
        if (n <= 2) throw new FakeError("PipelineExecutionNotFoundException", "not yet");
        return execution("Succeeded");
      },
    });
    expect((await settle(waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 600 }, input))).state).toBe("SUCCESS");
    const gone = fakeService({
      GetPipelineExecution: () => {
        throw new FakeError("PipelineExecutionNotFoundException", "no such execution");
      },
    });
    const result = await settle(waitForPipelineExecutionComplete({ client: gone.client, maxWaitTime: 600 }, input));
    expect(result.state).toBe("FAILURE");
    expect(gone.count("GetPipelineExecution")).toBe(4);
  });

  it("validates its options as the official waiters do", async () => {
    const svc = fakeService({});
    await expect(waitForPipelineExecutionComplete({ client: svc.client } as any, input)).rejects.toThrow(/maxWaitTime must be/);
    await expect(waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 60, minDelay: 0 }, input)).rejects.toThrow(/minDelay/);
    await expect(waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 60, minDelay: 10, maxDelay: 5 }, input)).rejects.toThrow(/maxDelay/);
    await expect(waitForPipelineExecutionComplete({ client: svc.client, maxWaitTime: 5, minDelay: 10, maxDelay: 20 }, input)).rejects.toThrow(/greater than minDelay/);
    await expect(waitForPipelineExecutionComplete({ client: {} as any, maxWaitTime: 60 }, input)).rejects.toThrow(/client/);
    expect(svc.calls).toHaveLength(0);
  });
});

describe("waitUntilPipelineExecutionComplete", () => {
  it("resolves with the result on success", async () => {
    const svc = fakeService({ GetPipelineExecution: statuses("Succeeded") });
    expect((await settle(waitUntilPipelineExecutionComplete({ client: svc.client, maxWaitTime: 60 }, input))).state).toBe("SUCCESS");
  });

  it("throws a WaiterError carrying the result otherwise, named as the official SDK names them", async () => {
    const failed = fakeService({ GetPipelineExecution: statuses("Failed"), ListActionExecutions: () => ({}), GetPipelineState: () => ({}) });
    const e1 = await settle(waitUntilPipelineExecutionComplete({ client: failed.client, maxWaitTime: 60 }, input)).catch((e) => e);
    expect(e1).toBeInstanceOf(WaiterError);
    expect(e1).toMatchObject({ name: "WaiterFailureError", state: "FAILURE", result: { status: "Failed" } });
    expect(e1.message).toBe(`Pipeline "app" execution ${EXEC} Failed`);

    const slow = fakeService({ GetPipelineExecution: statuses("InProgress") });
    const e2 = await settle(waitUntilPipelineExecutionComplete({ client: slow.client, maxWaitTime: 30 }, input)).catch((e) => e);
    expect(e2).toMatchObject({ name: "TimeoutError", state: "TIMEOUT" });

    const e3 = await waitUntilPipelineExecutionComplete({ client: slow.client, maxWaitTime: 30, abortSignal: AbortSignal.abort() }, input).catch((e) => e);
    expect(e3).toMatchObject({ name: "AbortError", state: "ABORTED" });
  });
});

describe("startPipelineExecutionAndWait", () => {
  it("starts the execution, waits for it and returns its id", async () => {
    const svc = fakeService({
      StartPipelineExecution: () => ({ pipelineExecutionId: EXEC }),
      GetPipelineExecution: statuses("InProgress", "Succeeded"),
    });
    const result = await settle(startPipelineExecutionAndWait({ client: svc.client, maxWaitTime: 600 }, { name: "app", clientRequestToken: "tok-1" }));
    expect(result).toMatchObject({ state: "SUCCESS", pipelineExecutionId: EXEC });
    expect(svc.inputs("StartPipelineExecution")).toEqual([{ name: "app", clientRequestToken: "tok-1" }]);
    expect(svc.inputs("GetPipelineExecution")[0]).toEqual({ pipelineName: "app", pipelineExecutionId: EXEC });
  });

  it("throws a WaiterError whose result has the execution id when it fails", async () => {
    const svc = fakeService({
      StartPipelineExecution: () => ({ pipelineExecutionId: EXEC }),
      GetPipelineExecution: statuses("Stopped"),
      ListActionExecutions: () => ({}),
      GetPipelineState: () => ({}),
    });
    const error = await settle(startPipelineExecutionAndWait({ client: svc.client, maxWaitTime: 600 }, { name: "app" })).catch((e) => e);
    expect(error).toBeInstanceOf(WaiterError);
    expect(error.result).toMatchObject({ state: "FAILURE", status: "Stopped", pipelineExecutionId: EXEC });
  });
});
