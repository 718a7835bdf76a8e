/**
 * Answers lost after the request did its work, replayed through a proxy on 127.0.0.1 in front of
 * the local endpoint: the sequences the chaos test met.
 *
 * - A PollForJobs answer lost after the endpoint handed the job out (behind the executions that
 *   stayed InProgress): the endpoint marks the job Dispatched, the proxy cuts the answer halfway,
 *   the client's retry of the poll finds nothing (the job is taken), and the job worker never
 *   learns the job exists. The endpoint must hand the job out again when no acknowledgement comes,
 *   and the worker must then run it once and deliver one result.
 * - A PutApprovalResult answer lost after the approval was recorded: the client's retry finds the
 *   approval completed. The approval helper must report success, since it ended as asked.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApprovalAlreadyCompletedException,
  CodePipelineClient,
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  GetPipelineStateCommand,
  PollForJobsCommand,
  PutApprovalResultCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  approvePendingApproval,
  createJobWorker,
  rejectPendingApproval,
} from "../../src/index.js";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import { BUILD_TYPE, approvalToken, customBuildType, pipeline, until } from "../local/fixtures.js";
import { type TestServer, startServer } from "./helpers.js";

const ACK_TIMEOUT_MS = 300;

let local: LocalCodePipeline;
let proxy: TestServer;
/** What went through the proxy: operation, and the job ids of each PollForJobs answer. */
const seen: { op: string; jobs: string[]; cut: boolean; status: number }[] = [];
/** Whether the proxy cuts this answer (after the endpoint carried the request out). */
let cutWhen: (op: string, jobs: string[]) => boolean = () => false;
/** Runs before a request is forwarded; a status it returns is answered instead (a 500 that never reached the endpoint). */
let before: (op: string) => Promise<number | undefined> = async () => undefined;

beforeAll(async () => {
  local = await startLocalCodePipeline({ actionDelayMs: 5, jobAcknowledgeTimeoutMs: ACK_TIMEOUT_MS });
  await new CodePipelineClient(local.clientConfig).send(new CreateCustomActionTypeCommand(customBuildType));
  const target = new URL(local.endpoint);
  proxy = await startServer(async (req, res) => {
    const op = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    const instead = await before(op);
    if (instead !== undefined) {
      seen.push({ op, jobs: [], cut: false, status: instead });
      const body = JSON.stringify({ __type: "InternalFailure", message: "injected" });
      res.writeHead(instead, { "content-type": "application/x-amz-json-1.1", "content-length": Buffer.byteLength(body) });
      return void res.end(body);
    }
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      const out: Buffer[] = [];
      upRes.on("data", (c: Buffer) => out.push(c));
      upRes.on("end", () => {
        const answer = Buffer.concat(out);
        const jobs = op === "PollForJobs" ? ((JSON.parse(answer.toString()).jobs ?? []) as { id: string }[]).map((j) => j.id) : [];
        const cut = cutWhen(op, jobs);
        seen.push({ op, jobs, cut, status: upRes.statusCode ?? 0 });
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (!cut) return void res.end(answer);
        res.write(answer.subarray(0, Math.floor(answer.length / 2)));
        setTimeout(() => res.socket?.destroy(), 5);
      });
    });
    up.on("error", () => res.socket?.destroy());
    up.end(req.body);
  });
});
afterAll(async () => {
  await proxy?.close();
  await local?.close();
});

describe("a PollForJobs answer lost after the job was handed out", () => {
  it("the endpoint hands the job out again and the worker runs it once", async () => {
    const setup = new CodePipelineClient(local.clientConfig);
    const client = new CodePipelineClient({ ...local.clientConfig, endpoint: proxy.url, maxAttempts: 3 });
    const handled: string[] = [];
    const errors: unknown[] = [];
    const worker = createJobWorker({
      client,
      actionTypeId: BUILD_TYPE,
      pollIntervalMs: 20,
      onError: (e) => void errors.push(e),
      handler: (job) => {
        handled.push(job.id);
        return { outputVariables: { Flavor: "lost-poll" } };
      },
    });
    // The first answer that hands out a job reached the endpoint and is lost on the way back.
    let cutOne = false;
    cutWhen = (_op, jobs) => jobs.length > 0 && !cutOne && (cutOne = true);
    try {
      await setup.send(new CreatePipelineCommand({ pipeline: pipeline("lost-poll") }));
      const started = Date.now();
      await setup.send(new StartPipelineExecutionCommand({ name: "lost-poll" }));
      const build = await until(
        async () => {
          const state = await setup.send(new GetPipelineStateCommand({ name: "lost-poll" }));
          const run = state.stageStates?.find((s) => s.stageName === "Build")?.actionStates?.[0]?.latestExecution;
          return run?.status === "Succeeded" ? run : undefined;
        },
        "the Build action to succeed",
        10_000,
      );
      const took = Date.now() - started;

      // The sequence happened: a poll answer carrying the job was cut, and the client's retry of
      // that poll (inside the same send) found nothing, so the worker heard of no job and no error.
      const cut = seen.findIndex((s) => s.cut);
      expect(cut).toBeGreaterThanOrEqual(0);
      const lostJob = seen[cut]!.jobs[0]!;
      expect(seen[cut + 1]).toMatchObject({ op: "PollForJobs", jobs: [] });
      // The same job came back after the acknowledgement timeout and was run exactly once.
      expect(handled).toEqual([lostJob]);
      expect(seen.filter((s) => s.op === "PutJobSuccessResult" && s.status === 200)).toHaveLength(1);
      expect(build.summary ?? "").not.toMatch(/fail/i);
      expect(took).toBeGreaterThanOrEqual(ACK_TIMEOUT_MS);
      expect(errors).toEqual([]);
    } finally {
      await worker.stop({ timeoutMs: 0 });
      client.destroy();
      setup.destroy();
    }
  }, 20_000);
});

describe("a PutApprovalResult answer lost after the approval was recorded", () => {
  const approval = (pipelineName: string) => ({ pipelineName, stageName: "Approve", actionName: "Review", summary: "ok" });
  const through = () => new CodePipelineClient({ ...local.clientConfig, endpoint: proxy.url, maxAttempts: 3 });
  const direct = () => new CodePipelineClient(local.clientConfig);

  /** Runs a pipeline to its approval (the build job answered directly); the proxy then touches only the first PutApprovalResult. */
  async function atApproval(name: string, first: { cut?: boolean; before?: () => Promise<number | undefined> }) {
    const setup = direct();
    await setup.send(new CreatePipelineCommand({ pipeline: pipeline(name) }));
    await setup.send(new StartPipelineExecutionCommand({ name }));
    const job = await until(async () => (await setup.send(new PollForJobsCommand({ actionTypeId: BUILD_TYPE }))).jobs?.[0], "the build job");
    await setup.send(new PutJobSuccessResultCommand({ jobId: job.id!, outputVariables: { Flavor: "x" } }));
    const token = await approvalToken(setup, name, "Approve", "Review");
    let firstSeen = false;
    const isFirst = (op: string) => op === "PutApprovalResult" && !firstSeen && (firstSeen = true);
    cutWhen = (op) => !!first.cut && op === "PutApprovalResult" && seen.filter((s) => s.op === op).length === 0;
    before = async (op) => (isFirst(op) && first.before ? first.before() : undefined);
    seen.length = 0;
    return { setup, token };
  }
  const reviewStatus = async (name: string) =>
    (await direct().send(new GetPipelineStateCommand({ name }))).stageStates?.find((s) => s.stageName === "Approve")?.actionStates?.[0]?.latestExecution?.status;
  const approvalCalls = () => seen.filter((s) => s.op === "PutApprovalResult").map((s) => `${s.status}${s.cut ? " cut" : ""}`);

  it("approvePendingApproval resolves when the retry finds the approval completed and it ended approved", async () => {
    await atApproval("lost-approval", { cut: true });
    const outcome = await approvePendingApproval({ client: through() }, approval("lost-approval"));
    expect(outcome).toMatchObject({ pipelineName: "lost-approval", stageName: "Approve", actionName: "Review", status: "Approved" });
    expect(outcome.pipelineExecutionId).toEqual(expect.any(String));
    // the sequence: the first answer cut after the approval landed, the client's retry met the completed approval
    expect(approvalCalls()).toEqual(["200 cut", "400"]);
    expect(await reviewStatus("lost-approval")).toBe("Succeeded");
  });

  it("rejectPendingApproval resolves the same way when it ended rejected", async () => {
    await atApproval("lost-rejection", { cut: true });
    await expect(rejectPendingApproval({ client: through() }, approval("lost-rejection"))).resolves.toMatchObject({ status: "Rejected" });
    expect(approvalCalls()).toEqual(["200 cut", "400"]);
    expect(await reviewStatus("lost-rejection")).toBe("Failed");
  });

  it("still an error when someone else answered it the other way between two attempts", async () => {
    const { setup, token } = await atApproval("rejected-meanwhile", {
      // the first attempt never reaches the endpoint; meanwhile someone rejects the approval
      before: async () => {
        await setup.send(new PutApprovalResultCommand({ pipelineName: "rejected-meanwhile", stageName: "Approve", actionName: "Review", token, result: { status: "Rejected", summary: "no" } }));
        return 500;
      },
    });
    const error = await approvePendingApproval({ client: through() }, approval("rejected-meanwhile")).catch((e) => e);
    expect(error).toBeInstanceOf(ApprovalAlreadyCompletedException);
    expect(approvalCalls()).toEqual(["500", "400"]);
  });

  it("still an error when the only attempt found it completed: someone else answered it first", async () => {
    const { setup, token } = await atApproval("approved-before", {
      before: async () => {
        await setup.send(new PutApprovalResultCommand({ pipelineName: "approved-before", stageName: "Approve", actionName: "Review", token, result: { status: "Approved", summary: "first" } }));
        return undefined; // then this request goes on to the endpoint
      },
    });
    const error = await approvePendingApproval({ client: through() }, approval("approved-before")).catch((e) => e);
    expect(error).toBeInstanceOf(ApprovalAlreadyCompletedException);
    expect(error.$metadata.attempts).toBe(1);
  });
});
