import { describe, expect, it } from "vitest";
import {
  ApprovalNotPendingError,
  ApprovalTokenOutdatedError,
  approvePendingApproval,
  listPendingApprovals,
  rejectPendingApproval,
} from "../../src/index.js";
import { FakeError, fakeService, uuid } from "../support/fake-service.js";

const RUN1 = uuid(1);
const RUN2 = uuid(2);
const TOKEN1 = "aaaaaaaa-0000-4000-8000-000000000001";
const TOKEN2 = "aaaaaaaa-0000-4000-8000-000000000002";

const waiting = (executionId: string, token: string) => ({
  stageStates: [
    { stageName: "Build", latestExecution: { pipelineExecutionId: executionId, status: "Succeeded" }, actionStates: [{ actionName: "Compile", latestExecution: { status: "Succeeded" } }] },
    {
      stageName: "Approve",
      latestExecution: { pipelineExecutionId: executionId, status: "InProgress" },
      actionStates: [
        { actionName: "QA", latestExecution: { status: "InProgress", token, summary: "check staging", externalExecutionUrl: "https://staging.example.com", lastStatusChange: 1_700_000_000 } },
        { actionName: "Security", latestExecution: { status: "Succeeded", token: "bbbbbbbb-0000-4000-8000-000000000000" } },
      ],
    },
  ],
});

describe("listPendingApprovals", () => {
  it("lists approvals in progress with their token and execution", async () => {
    const svc = fakeService({ GetPipelineState: () => waiting(RUN1, TOKEN1) });
    expect(await listPendingApprovals({ client: svc.client }, { pipelineName: "app" })).toEqual([
      {
        pipelineName: "app",
        stageName: "Approve",
        actionName: "QA",
        token: TOKEN1,
        pipelineExecutionId: RUN1,
        summary: "check staging",
        externalExecutionUrl: "https://staging.example.com",
        since: new Date(1_700_000_000_000),
      },
    ]);
    expect(svc.inputs("GetPipelineState")).toEqual([{ name: "app" }]);
  });
});

describe("approvePendingApproval / rejectPendingApproval", () => {
  it("approves with the token read just before", async () => {
    const svc = fakeService({ GetPipelineState: () => waiting(RUN1, TOKEN1), PutApprovalResult: () => ({ approvedAt: 1_700_000_100 }) });
    const outcome = await approvePendingApproval({ client: svc.client }, { pipelineName: "app", stageName: "Approve", actionName: "QA", summary: "looks good" });
    expect(outcome).toEqual({ pipelineName: "app", stageName: "Approve", actionName: "QA", status: "Approved", token: TOKEN1, pipelineExecutionId: RUN1, approvedAt: new Date(1_700_000_100_000) });
    expect(svc.inputs("PutApprovalResult")).toEqual([
      { pipelineName: "app", stageName: "Approve", actionName: "QA", result: { summary: "looks good", status: "Approved" }, token: TOKEN1 },
    ]);
  });

  it("always uses the current token: a newer run's approval gets the newer token", async () => {
    let state = waiting(RUN1, TOKEN1);
    const svc = fakeService({ GetPipelineState: () => state, PutApprovalResult: () => ({}) });
    const [first] = await listPendingApprovals({ client: svc.client }, { pipelineName: "app" });
    expect(first!.token).toBe(TOKEN1);
    state = waiting(RUN2, TOKEN2); // run 1 was superseded; run 2 now waits at the same action
    const outcome = await rejectPendingApproval({ client: svc.client }, { pipelineName: "app", stageName: "Approve", actionName: "QA", summary: "no" });
    expect(outcome).toMatchObject({ status: "Rejected", token: TOKEN2, pipelineExecutionId: RUN2 });
    expect(svc.inputs("PutApprovalResult")[0]).toMatchObject({ token: TOKEN2, result: { status: "Rejected", summary: "no" } });
  });

  it("refuses an outdated token without sending anything", async () => {
    const svc = fakeService({ GetPipelineState: () => waiting(RUN2, TOKEN2), PutApprovalResult: () => ({}) });
    const error = await approvePendingApproval({ client: svc.client }, { pipelineName: "app", stageName: "Approve", actionName: "QA", token: TOKEN1 }).catch((e) => e);
    expect(error).toBeInstanceOf(ApprovalTokenOutdatedError);
    expect(error).toMatchObject({ name: "ApprovalTokenOutdatedError", stageName: "Approve", actionName: "QA", currentPipelineExecutionId: RUN2 });
    expect(error.message).toBe(
      `The approval token given for pipeline "app", stage "Approve", action "QA" is outdated: a newer approval (execution ${RUN2}) is waiting; nothing was sent`,
    );
    expect(svc.count("PutApprovalResult")).toBe(0);
  });

  it("refuses when the waiting approval belongs to another execution than the one meant", async () => {
    const svc = fakeService({ GetPipelineState: () => waiting(RUN2, TOKEN2), PutApprovalResult: () => ({}) });
    const error = await approvePendingApproval(
      { client: svc.client },
      { pipelineName: "app", stageName: "Approve", actionName: "QA", pipelineExecutionId: RUN1 },
    ).catch((e) => e);
    expect(error).toMatchObject({ name: "ApprovalTokenOutdatedError", expectedPipelineExecutionId: RUN1, currentPipelineExecutionId: RUN2 });
    expect(svc.count("PutApprovalResult")).toBe(0);
  });

  it("turns the service's InvalidApprovalTokenException (a change in between) into ApprovalTokenOutdatedError", async () => {
    const svc = fakeService({
      GetPipelineState: () => waiting(RUN1, TOKEN1),
      PutApprovalResult: () => {
        throw new FakeError("InvalidApprovalTokenException", "The token is not valid");
      },
    });
    const error = await approvePendingApproval({ client: svc.client }, { pipelineName: "app", stageName: "Approve", actionName: "QA" }).catch((e) => e);
    expect(error).toBeInstanceOf(ApprovalTokenOutdatedError);
    expect(error.cause).toMatchObject({ name: "InvalidApprovalTokenException" });
  });

  it("says clearly when nothing waits at that stage and action", async () => {
    const svc = fakeService({ GetPipelineState: () => waiting(RUN1, TOKEN1) });
    const none = await approvePendingApproval({ client: svc.client }, { pipelineName: "app", stageName: "Approve", actionName: "Security" }).catch((e) => e);
    expect(none).toBeInstanceOf(ApprovalNotPendingError);
    expect(none.message).toBe('No approval is waiting in pipeline "app", stage "Approve", action "Security"');
    // with a token in hand, an approval that is no longer waiting means the token is outdated
    const stale = await approvePendingApproval({ client: svc.client }, { pipelineName: "app", stageName: "Build", actionName: "Compile", token: TOKEN1 }).catch((e) => e);
    expect(stale).toBeInstanceOf(ApprovalTokenOutdatedError);
  });

  it("passes other service errors through and cuts a long summary to the API's 512 characters", async () => {
    const svc = fakeService({
      GetPipelineState: () => waiting(RUN1, TOKEN1),
      PutApprovalResult: () => {
        throw new FakeError("ApprovalAlreadyCompletedException", "already approved");
      },
    });
    const error = await approvePendingApproval({ client: svc.client }, { pipelineName: "app", stageName: "Approve", actionName: "QA", summary: "s".repeat(600) }).catch((e) => e);
    expect(error).toMatchObject({ name: "ApprovalAlreadyCompletedException" });
    expect(svc.inputs("PutApprovalResult")[0].result.summary).toHaveLength(512);
  });
});
