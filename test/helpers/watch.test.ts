import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { watchPipelineExecution, type PipelineExecutionEvent } from "../../src/index.js";
import { FakeError, fakeService, hang, uuid } from "../support/fake-service.js";
import { advance, settle, useClock } from "../support/clock.js";

const EXEC = uuid(1);
const OLD = uuid(2);
const TOKEN = "11111111-2222-4333-8444-555555555555";
const OLD_TOKEN = "99999999-2222-4333-8444-555555555555";
const input = { pipelineName: "app", pipelineExecutionId: EXEC };

interface Snapshot {
  status: string;
  runs?: object[];
  stages?: object[];
}

/** A pipeline whose state moves to the next snapshot at each GetPipelineExecution (the last one repeats). */
function scripted(snapshots: Snapshot[]) {
  let tick = -1;
  const now = () => snapshots[Math.min(tick, snapshots.length - 1)]!;
  return fakeService({
    GetPipelineExecution: () => {
      tick++;
      return { pipelineExecution: { pipelineName: "app", pipelineExecutionId: EXEC, status: now().status } };
    },
    ListActionExecutions: () => ({ actionExecutionDetails: now().runs ?? [] }),
    GetPipelineState: () => ({ pipelineName: "app", stageStates: now().stages ?? [] }),
  });
}

const run = (stageName: string, actionName: string, status: string, id: string, extra: object = {}) => ({
  pipelineExecutionId: EXEC,
  actionExecutionId: id,
  stageName,
  actionName,
  status,
  startTime: 1_700_000_000 + Number(id.slice(1)),
  ...extra,
});
const stage = (stageName: string, status: string, actions: object[] = [], executionId = EXEC) => ({
  stageName,
  latestExecution: { pipelineExecutionId: executionId, status },
  actionStates: actions,
});

async function collect(iterable: AsyncIterable<PipelineExecutionEvent>) {
  const events: PipelineExecutionEvent[] = [];
  await settle(
    (async () => {
      for await (const e of iterable) events.push(e);
    })(),
  );
  return events;
}

beforeEach(() => {
  useClock();
  vi.spyOn(Math, "random").mockReturnValue(0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("watchPipelineExecution", () => {
  it("yields execution, stage, action and approval changes, then the result", async () => {
    const svc = scripted([
      {
        status: "InProgress",
        runs: [run("Source", "Checkout", "Succeeded", "a1")],
        stages: [stage("Source", "Succeeded"), stage("Approve", "InProgress", [{ actionName: "Manual", latestExecution: { actionExecutionId: "a2", status: "InProgress", token: TOKEN, summary: "ship it?" } }])],
      },
      // nothing changes: no event
      {
        status: "InProgress",
        runs: [run("Source", "Checkout", "Succeeded", "a1"), run("Approve", "Manual", "InProgress", "a2")],
        stages: [stage("Source", "Succeeded"), stage("Approve", "InProgress", [{ actionName: "Manual", latestExecution: { actionExecutionId: "a2", status: "InProgress", token: TOKEN } }])],
      },
      {
        status: "InProgress",
        runs: [run("Source", "Checkout", "Succeeded", "a1"), run("Approve", "Manual", "Succeeded", "a2"), run("Deploy", "Push", "InProgress", "a3")],
        stages: [stage("Source", "Succeeded"), stage("Approve", "Succeeded"), stage("Deploy", "InProgress")],
      },
      {
        status: "Succeeded",
        runs: [run("Source", "Checkout", "Succeeded", "a1"), run("Approve", "Manual", "Succeeded", "a2"), run("Deploy", "Push", "Succeeded", "a3")],
        stages: [stage("Source", "Succeeded"), stage("Approve", "Succeeded"), stage("Deploy", "Succeeded")],
      },
    ]);
    const events = await collect(watchPipelineExecution({ client: svc.client, minDelay: 5, maxDelay: 60 }, input));
    const brief = events.map((e) =>
      e.type === "execution" ? `execution ${e.status}`
      : e.type === "stage" ? `stage ${e.stageName} ${e.previousStatus ?? "-"}>${e.status}`
      : e.type === "action" ? `action ${e.stageName}/${e.actionName} ${e.previousStatus ?? "-"}>${e.status}`
      : e.type === "approval" ? `approval ${e.stageName}/${e.actionName} ${e.token}`
      : `result ${e.state}`,
    );
    expect(brief).toEqual([
      "execution InProgress",
      "action Source/Checkout ->Succeeded",
      "stage Source ->Succeeded",
      "stage Approve ->InProgress",
      `approval Approve/Manual ${TOKEN}`,
      "action Approve/Manual ->InProgress",
      "action Approve/Manual InProgress>Succeeded",
      "action Deploy/Push ->InProgress",
      "stage Approve InProgress>Succeeded",
      "stage Deploy ->InProgress",
      "execution Succeeded",
      "action Deploy/Push InProgress>Succeeded",
      "stage Deploy InProgress>Succeeded",
      "result SUCCESS",
    ]);
    const approval = events.find((e) => e.type === "approval");
    expect(approval).toEqual({ type: "approval", pipelineName: "app", pipelineExecutionId: EXEC, stageName: "Approve", actionName: "Manual", token: TOKEN, summary: "ship it?", externalExecutionUrl: undefined });
    expect(svc.inputs("ListActionExecutions")[0]).toMatchObject({ filter: { pipelineExecutionId: EXEC } });
  });

  it("ignores stages and approvals that belong to another execution", async () => {
    const svc = scripted([
      {
        status: "Succeeded",
        runs: [run("Build", "Compile", "Succeeded", "a1")],
        stages: [
          stage("Build", "Succeeded"),
          stage("Approve", "InProgress", [{ actionName: "Manual", latestExecution: { actionExecutionId: "x9", status: "InProgress", token: OLD_TOKEN } }], OLD),
        ],
      },
    ]);
    const events = await collect(watchPipelineExecution({ client: svc.client }, input));
    expect(events.some((e) => e.type === "approval")).toBe(false);
    expect(events.filter((e) => e.type === "stage").map((e) => (e as { stageName: string }).stageName)).toEqual(["Build"]);
  });

  it("ends with a FAILURE result naming the failed stage and action", async () => {
    const svc = scripted([
      {
        status: "Failed",
        runs: [run("Build", "Compile", "Failed", "a1", { output: { executionResult: { errorDetails: { code: "JobFailed", message: "tests failed" } } } })],
        stages: [stage("Build", "Failed")],
      },
    ]);
    const events = await collect(watchPipelineExecution({ client: svc.client }, input));
    const result = events.at(-1)!;
    expect(result).toMatchObject({ type: "result", state: "FAILURE", status: "Failed", failure: { stageName: "Build", actionName: "Compile" } });
    expect((result as { reason: string }).reason).toBe(`Pipeline "app" execution ${EXEC} Failed in stage "Build", action "Compile": JobFailed: tests failed`);
    expect(events.find((e) => e.type === "action")).toMatchObject({ status: "Failed", errorDetails: { message: "tests failed" } });
  });

  it("polls less often while nothing changes, and again at minDelay after a change", async () => {
    const svc = scripted([{ status: "InProgress" }]);
    const start = Date.now();
    const times: number[] = [];
    const controller = new AbortController();
    const client = { send: (cmd: any, o?: any) => (cmd.op.name === "GetPipelineExecution" && times.push((Date.now() - start) / 1000), svc.client.send(cmd, o)) };
    vi.spyOn(Math, "random").mockReturnValue(0.999999);
    const events: PipelineExecutionEvent[] = [];
    const watching = (async () => {
      for await (const e of watchPipelineExecution({ client, minDelay: 2, maxDelay: 16, abortSignal: controller.signal }, input)) events.push(e);
    })();
    await advance(100_000, 1000);
    controller.abort();
    await settle(watching, { maxMs: 0 });
    expect(times.slice(0, 6).map(Math.round)).toEqual([0, 2, 6, 14, 30, 46]);
    expect(events.at(-1)).toMatchObject({ type: "result", state: "ABORTED" });
  });

  it("stops polling when the loop is left early", async () => {
    const svc = scripted([{ status: "InProgress", stages: [stage("Build", "InProgress")] }]);
    for await (const e of watchPipelineExecution({ client: svc.client }, input)) {
      if (e.type === "stage") break;
    }
    const calls = svc.calls.length;
    await advance(600_000, 10_000);
    expect(svc.calls.length).toBe(calls);
  });

  it("ends with ABORTED at once when aborted during a request", async () => {
    const svc = fakeService({ GetPipelineExecution: () => hang() });
    const controller = new AbortController();
    const events: PipelineExecutionEvent[] = [];
    const watching = (async () => {
      for await (const e of watchPipelineExecution({ client: svc.client, abortSignal: controller.signal }, input)) events.push(e);
    })();
    await advance(100);
    controller.abort();
    await settle(watching, { maxMs: 0 });
    expect(events).toEqual([expect.objectContaining({ type: "result", state: "ABORTED" })]);
  });

  it("keeps going when the action runs cannot be read, and ends with TIMEOUT at maxWaitTime", async () => {
    const svc = fakeService({
      GetPipelineExecution: () => ({ pipelineExecution: { status: "InProgress" } }),
      ListActionExecutions: () => {
        throw new FakeError("AccessDeniedException", "no", 403);
      },
      GetPipelineState: () => ({ stageStates: [stage("Build", "InProgress")] }),
    });
    const events = await collect(watchPipelineExecution({ client: svc.client, maxWaitTime: 30 }, input));
    expect(events.map((e) => e.type)).toEqual(["execution", "stage", "result"]);
    expect(events.at(-1)).toMatchObject({ state: "TIMEOUT", observedResponses: { "ListActionExecutions: AccessDeniedException": expect.any(Number) } });
  });
});
