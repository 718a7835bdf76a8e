/**
 * A PollForJobs answer lost after the endpoint handed the job out: the exact sequence behind the
 * chaos test's executions that stayed InProgress. The endpoint marks the job Dispatched, the proxy
 * cuts the answer halfway, the client's retry of the poll finds nothing (the job is taken), and
 * the job worker never learns the job exists. The endpoint must hand the job out again when no
 * acknowledgement comes, and the worker must then run it once and deliver one result.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodePipelineClient,
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  GetPipelineStateCommand,
  StartPipelineExecutionCommand,
  createJobWorker,
} from "../../src/index.js";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import { BUILD_TYPE, customBuildType, pipeline, until } from "../local/fixtures.js";
import { type TestServer, startServer } from "./helpers.js";

const ACK_TIMEOUT_MS = 300;

let local: LocalCodePipeline;
let proxy: TestServer;
/** What went through the proxy: operation, and the job ids of each PollForJobs answer. */
const seen: { op: string; jobs: string[]; cut: boolean; status: number }[] = [];

beforeAll(async () => {
  local = await startLocalCodePipeline({ actionDelayMs: 5, jobAcknowledgeTimeoutMs: ACK_TIMEOUT_MS });
  let cutOne = false;
  const target = new URL(local.endpoint);
  proxy = await startServer((req, res) => {
    const op = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      const out: Buffer[] = [];
      upRes.on("data", (c: Buffer) => out.push(c));
      upRes.on("end", () => {
        const answer = Buffer.concat(out);
        const jobs = op === "PollForJobs" ? ((JSON.parse(answer.toString()).jobs ?? []) as { id: string }[]).map((j) => j.id) : [];
        // The first answer that hands out a job reached the endpoint and is lost on the way back.
        const cut = jobs.length > 0 && !cutOne;
        if (cut) cutOne = true;
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
    try {
      await setup.send(new CreateCustomActionTypeCommand(customBuildType));
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
