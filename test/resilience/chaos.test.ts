/**
 * Chaos: the demo's workflow (a pipeline with a custom action and a manual approval; a job
 * worker whose handler returns a continuation; the approval; waiting for the execution) against
 * the local endpoint, through a proxy on 127.0.0.1 that injects faults into 15% of requests,
 * chosen by a seeded random generator: connection resets, 500/503, throttling, responses stalled
 * past the request timeout, and bodies cut off after the request reached the endpoint.
 *
 * Every job must get exactly one accepted result, the execution must succeed, no call may outlive
 * its deadline, nothing may reject unhandled, and each run must end within its bound. A failure
 * names the seed and lists the job and approval requests the proxy saw; replay one with
 * CHAOS_SEEDS=<seed>, and try another fault rate with CHAOS_RATE=<fraction>.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApprovalAlreadyCompletedException,
  ApprovalNotPendingError,
  ApprovalTokenOutdatedError,
  CodePipelineClient,
  CreateCustomActionTypeCommand,
  DeleteCustomActionTypeCommand,
  CreatePipelineCommand,
  StartPipelineExecutionCommand,
  approvePendingApproval,
  createJobWorker,
  watchPipelineExecution,
} from "../../src/index.js";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import { BUILD_TYPE, customBuildType, pipeline } from "../local/fixtures.js";

const SEEDS = (process.env.CHAOS_SEEDS ?? "1,2,3,4").split(",").map(Number);
/** Per-attempt timeout of the clients under test; stalls last longer than this. */
const REQUEST_TIMEOUT = 400;
/** A whole run's bound. */
const RUN_BOUND_MS = 25_000;
/** Share of requests that meet a fault. */
const FAULT_RATE = Number(process.env.CHAOS_RATE ?? 0.15);
/** How long the endpoint keeps a polled job for its acknowledgement before handing it out again. */
const ACK_TIMEOUT_MS = 1500;

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Fault = "reset" | "500" | "503" | "throttle" | "stall" | "cut";

interface Proxy {
  url: string;
  faults: Record<Fault, number>;
  requests: number;
  /** Results the endpoint accepted (HTTP 200), by job id. */
  accepted: Map<string, number>;
  /** The job and approval requests, each with its fault and the endpoint's status. */
  trail: string[];
  close(): Promise<void>;
}

/** A proxy to `upstream` that injects a fault into `FAULT_RATE` of requests, picked by `random`. */
async function faultProxy(upstream: string, random: () => number): Promise<Proxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  const faults: Record<Fault, number> = { reset: 0, "500": 0, "503": 0, throttle: 0, stall: 0, cut: 0 };
  const accepted = new Map<string, number>();
  const proxy: Proxy = { url: "", faults, requests: 0, accepted, trail: [], close: async () => {} };
  // each fault's share of the faulty requests
  const mix: [Fault, number][] = [["reset", 2.5], ["500", 2], ["503", 2], ["throttle", 2.5], ["stall", 1.5], ["cut", 2.5]];
  const total = mix.reduce((n, [, w]) => n + w, 0);
  const pick = (): Fault | undefined => {
    let r = random();
    for (const [fault, weight] of mix) if ((r -= (FAULT_RATE * weight) / total) < 0) return fault;
    return undefined;
  };
  const serviceError = (res: ServerResponse, status: number, type: string) => {
    const body = JSON.stringify({ __type: type, message: `injected ${type}` });
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      proxy.requests++;
      const body = Buffer.concat(chunks);
      const fault = pick();
      if (fault) faults[fault]++;
      const op = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
      const traced = /Job|Approval/.test(op);
      const id = /"jobId":"([^"]+)"/.exec(body.toString())?.[1]?.slice(0, 8);
      if (traced) proxy.trail.push(`${op}${id ? ` ${id}` : ""}${fault ? ` [${fault}]` : ""}`);
      if (fault === "reset") return void req.socket.destroy();
      if (fault === "500") return serviceError(res, 500, "InternalFailure");
      if (fault === "503") return serviceError(res, 503, "ServiceUnavailable");
      if (fault === "throttle") return serviceError(res, 400, "ThrottlingException");
      if (fault === "stall") return; // never answers; the client's attempt times out
      const up = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upRes) => {
          const out: Buffer[] = [];
          upRes.on("data", (c: Buffer) => out.push(c));
          upRes.on("end", () => {
            const answer = Buffer.concat(out);
            if (traced) {
              const handed = [...answer.toString().matchAll(/"id":"([^"]+)","data"/g)].map((m) => m[1]!.slice(0, 8));
              proxy.trail[proxy.trail.length - 1] += ` -> ${upRes.statusCode}${handed.length ? ` jobs ${handed.join(",")}` : ""}`;
            }
            if (upRes.statusCode === 200 && /^Put(ThirdParty)?Job(Success|Failure)Result$/.test(op)) {
              const jobId = JSON.parse(body.toString()).jobId as string;
              accepted.set(jobId, (accepted.get(jobId) ?? 0) + 1);
            }
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            if (fault === "cut") {
              // the request landed; its answer is lost halfway
              res.write(answer.subarray(0, Math.floor(answer.length / 2)));
              setTimeout(() => res.socket?.destroy(), 5);
            } else res.end(answer);
          });
        },
      );
      up.on("error", () => res.socket?.destroy());
      up.end(body);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return proxy;
}

/** A client that records how long each call took against its deadline. */
function timedClient(config: ConstructorParameters<typeof CodePipelineClient>[0], overruns: string[]) {
  const client = new CodePipelineClient({ ...config, requestTimeout: REQUEST_TIMEOUT, maxAttempts: 3 });
  const send = client.send.bind(client) as (command: any, options?: any) => Promise<any>;
  // attempts × requestTimeout + the backoff waits (at most 20 s in all for 2 retries) bound a call
  const bound = 3 * REQUEST_TIMEOUT + 2 * 20_000 + 500;
  (client as { send: unknown }).send = async (command: any, options?: any) => {
    const t0 = Date.now();
    try {
      return await send(command, options);
    } finally {
      const took = Date.now() - t0;
      const limit = Math.min(bound, (options?.operationTimeout ?? Infinity) + 250);
      if (took > limit) overruns.push(`${command.constructor.name} took ${took} ms (limit ${limit} ms)`);
    }
  };
  return client;
}

/**
 * Makes one of the workflow's own calls as a script would: a call that failed after the client's
 * retries is tried again (at 15% faults, three attempts in a row fail about once in 300 calls).
 * `answered` says which errors mean an earlier attempt already did the work.
 */
async function persistently<T>(call: () => Promise<T>, answered: (e: unknown) => boolean = () => false): Promise<T | undefined> {
  for (let tries = 1; ; tries++) {
    try {
      return await call();
    } catch (e) {
      if (answered(e)) return undefined;
      if (tries === 5) throw e;
      await new Promise((r) => setTimeout(r, 100 * tries));
    }
  }
}

/**
 * An approval found answered already, when the helper itself is tried again, was answered by an earlier
 * try whose answer was lost: nobody else answers it here.
 */
const approvalAnswered = (e: unknown) =>
  e instanceof ApprovalTokenOutdatedError || e instanceof ApprovalNotPendingError || e instanceof ApprovalAlreadyCompletedException;

let local: LocalCodePipeline;
let totalFaults = 0;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => void unhandled.push(e);
beforeAll(async () => {
  // A poll whose answer is lost leaves its job handed out to nobody; the endpoint hands it out
  // again when no acknowledgement comes (lost-answers.test.ts replays the exact case).
  local = await startLocalCodePipeline({ actionDelayMs: 5, jobAcknowledgeTimeoutMs: ACK_TIMEOUT_MS });
  process.on("unhandledRejection", onUnhandled);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await local.close();
});

describe("chaos: the demo workflow through a fault-injecting proxy", () => {
  it.each(SEEDS)("seed %i: every job gets exactly one accepted result and the execution succeeds", async (seed) => {
    const started = Date.now();
    const proxy = await faultProxy(local.endpoint, prng(seed));
    const overruns: string[] = [];
    const setup = new CodePipelineClient(local.clientConfig);
    const client = timedClient({ ...local.clientConfig, endpoint: proxy.url }, overruns);
    const name = `chaos-${seed}`;
    const actionTypeId = { ...BUILD_TYPE, provider: `Chaos${seed}` };
    const errors: unknown[] = [];
    const jobs = new Set<string>();
    let worker: ReturnType<typeof createJobWorker> | undefined;
    try {
      await setup.send(new CreateCustomActionTypeCommand({ ...customBuildType, provider: actionTypeId.provider }));
      const declaration = pipeline(name);
      declaration.stages![1]!.actions![0]!.actionTypeId = actionTypeId;
      await setup.send(new CreatePipelineCommand({ pipeline: declaration }));

      worker = createJobWorker({
        client,
        actionTypeId,
        pollIntervalMs: 20,
        reportDeadlineMs: 10_000,
        acknowledgeDeadlineMs: 5_000,
        onError: (e) => void errors.push(e),
        handler: (job) => {
          jobs.add(job.id);
          if (!job.continuationToken) return { continuationToken: "step-2", executionDetails: { summary: "half way", percentComplete: 50 } };
          return { outputVariables: { Version: "chaos" }, executionDetails: { summary: "done", percentComplete: 100 } };
        },
      });

      // one token for every try, so a start whose answer was lost is not started twice
      const start = new StartPipelineExecutionCommand({ name, clientRequestToken: `chaos-${seed}-${Date.now()}` });
      const { pipelineExecutionId } = (await persistently(() => client.send(start)))!;
      let result: { state: string; reason?: string } | undefined;
      const trail: string[] = [];
      for await (const event of watchPipelineExecution({ client, minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 20 }, { pipelineName: name, pipelineExecutionId: pipelineExecutionId! })) {
        if (event.type === "approval") {
          const answer = { pipelineName: name, stageName: event.stageName, actionName: event.actionName, token: event.token, summary: "ok" };
          await persistently(() => approvePendingApproval({ client }, answer), approvalAnswered);
        }
        if (event.type === "result") result = event;
        else trail.push(`${event.type}:${"stageName" in event ? event.stageName : ""}:${"status" in event ? event.status : ""}`);
      }
      const report = `seed ${seed} (replay with CHAOS_SEEDS=${seed}); faults ${JSON.stringify(proxy.faults)} in ${proxy.requests} requests`;
      const seen = errors.map((e) => `${(e as Error).name}: ${(e as Error).message}`.slice(0, 160));
      expect(result?.state, `${report}: ${result?.reason}; worker errors: ${JSON.stringify(seen)}; events: ${trail.join(" ")}; requests: ${proxy.trail.join("; ")}`).toBe("SUCCESS");
      await worker.stop();
      expect(jobs.size, report).toBe(2); // the first visit and the continuation
      expect([...jobs].map((id) => proxy.accepted.get(id) ?? 0), report).toEqual([1, 1]);
      expect(errors.filter((e) => (e as Error).name === "JobResultUndeliveredError"), report).toEqual([]);
      expect(overruns, report).toEqual([]);
      expect(unhandled, report).toEqual([]);
      totalFaults += Object.values(proxy.faults).reduce((a, b) => a + b, 0);
      expect(Date.now() - started, report).toBeLessThan(RUN_BOUND_MS);
    } finally {
      await worker?.stop({ timeoutMs: 0 }).catch(() => undefined);
      // the endpoint holds at most 50 custom action types
      await setup.send(new DeleteCustomActionTypeCommand({ ...customBuildType, provider: actionTypeId.provider })).catch(() => undefined);
      client.destroy();
      setup.destroy();
      await proxy.close();
    }
  }, 40_000);

  it("the runs above met faults", () => {
    expect(totalFaults).toBeGreaterThan(SEEDS.length);
  });
});
