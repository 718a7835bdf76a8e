/**
 * The programs in examples/ run as users run them, against the local endpoint: each is bundled from its file
 * (the package resolved to this checkout's sources), run as a child process with the endpoint in its environment,
 * and judged by its exit code and output.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CodePipelineClient, CreateCustomActionTypeCommand, CreatePipelineCommand, StartPipelineExecutionCommand } from "../../src/index.js";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import { bundleExamples } from "../support/examples.js";
import { ROLE, approvalToken, customBuildType, nextJob, pipeline, until, waitForStatus } from "../local/fixtures.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const outdir = join(root, "node_modules", ".cache", `examples-test-${process.pid}`);
const EXAMPLES = ["list-pipelines", "start-and-wait", "job-worker", "lambda-handler", "approval"];
const credentials = { accessKeyId: "LOCALACCESSKEY", secretAccessKey: "LOCALSECRETKEY" };
const LAMBDA_TYPE = { category: "Deploy", owner: "Custom", provider: "LambdaStandIn", version: "1" } as const;

let local: LocalCodePipeline;
let client: CodePipelineClient;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await bundleExamples(Object.fromEntries(EXAMPLES.map((name) => [name, `examples/${name}.ts`])), outdir);
  local = await startLocalCodePipeline({ actionDelayMs: 20, credentials });
  client = new CodePipelineClient({ ...local.clientConfig, maxAttempts: 1 });
  env = {
    ...process.env,
    AWS_REGION: local.region,
    AWS_ENDPOINT_URL_CODEPIPELINE: local.endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_PROFILE: "",
    AWS_EC2_METADATA_DISABLED: "true",
    POLL_INTERVAL_MS: "100",
    MIN_DELAY_SECONDS: "0.1",
  };
  await client.send(new CreateCustomActionTypeCommand(customBuildType));
  await client.send(
    new CreateCustomActionTypeCommand({
      ...LAMBDA_TYPE,
      configurationProperties: [{ name: "UserParameters", required: false, key: false, secret: false }],
      inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
    }),
  );
  await client.send(new CreatePipelineCommand({ pipeline: pipeline("demo") }));
  const source = pipeline("x").stages![0]!;
  const twoStages = (name: string, deploy: object) =>
    client.send(
      new CreatePipelineCommand({
        pipeline: { name, roleArn: ROLE, artifactStore: { type: "S3", location: "local-artifacts" }, stages: [source, { name: "Deploy", actions: [deploy as never] }] },
      }),
    );
  await twoStages("breaks", {
    name: "Publish",
    actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" },
    configuration: { BucketName: "site", Extract: "true" },
    inputArtifacts: [{ name: "SourceOutput" }],
  });
  await twoStages("lambda", {
    name: "Publish",
    actionTypeId: LAMBDA_TYPE,
    configuration: { UserParameters: '{"bucket":"site","prefix":"releases/"}' },
    inputArtifacts: [{ name: "SourceOutput" }],
  });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await local?.close();
  rmSync(outdir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts an example; `done` settles when it exits (killed after `ms`). */
function start(name: string, args: string[] = [], ms = 30_000) {
  const child = spawn(process.execPath, [join(outdir, `${name}.mjs`), ...args], { env });
  const run: Run = { code: null, stdout: "", stderr: "" };
  child.stdout.on("data", (d) => (run.stdout += d));
  child.stderr.on("data", (d) => (run.stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), ms);
  const done = new Promise<Run>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      run.code = code;
      resolve(run);
    }),
  );
  return { child, run, done };
}
const runExample = (name: string, args: string[] = []) => start(name, args).done;

describe("examples/", () => {
  it("list-pipelines pages through the pipelines and one pipeline's executions", async () => {
    const r = await runExample("list-pipelines", ["demo"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^demo\tversion 1\t/m);
    expect(r.stdout).toContain("3 pipeline(s)");
  });

  it("approval exits 1 when nothing waits", async () => {
    const r = await runExample("approval", ["demo"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no approval is waiting in demo");
  });

  it("job-worker, start-and-wait and approval take a pipeline run to success (exit 0), and the worker stops on SIGTERM", async () => {
    const worker = start("job-worker");
    const waiting = start("start-and-wait", ["demo", "60"]);
    // The worker builds (with a continuation), then the approval waits for an answer.
    await until(() => approvalToken(client, "demo", "Approve", "Review").catch(() => undefined), "the approval to wait", 30_000);
    const approved = await runExample("approval", ["demo", "approve"]);
    expect(approved.stderr).toBe("");
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain("approved Approve/Review");

    const waited = await waiting.done;
    expect(waited.stderr).toBe("");
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/^execution [0-9a-f-]{36} of demo succeeded$/m);

    worker.child.kill("SIGTERM");
    const stopped = await worker.done;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/job [0-9a-f-]+: starting a build of app/);
    expect(stopped.stdout).toMatch(/job [0-9a-f-]+: build-of-app finished/);
    expect(stopped.stdout).toContain("worker stopped");
  });

  it("start-and-wait exits 1 with the failed stage, action and message", async () => {
    local.failAction({ pipelineName: "breaks", name: "Publish", message: "bucket is read-only" });
    const r = await runExample("start-and-wait", ["breaks", "60"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^FAILURE: .*"Deploy".*"Publish".*bucket is read-only/);
  });

  it("lambda-handler reports the job's success, so the execution succeeds", async () => {
    const { handler } = (await import(pathToFileURL(join(outdir, "lambda-handler.mjs")).href)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
    const { pipelineExecutionId } = await client.send(new StartPipelineExecutionCommand({ name: "lambda" }));
    const job = await nextJob(client, LAMBDA_TYPE);
    const event = { "CodePipeline.job": { id: job.id!, accountId: job.accountId!, data: job.data as never } };
    const context = { getRemainingTimeInMillis: () => 30_000, awsRequestId: "req-1", functionName: "publish" };
    const saved = { ...process.env };
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    Object.assign(process.env, { AWS_REGION: env.AWS_REGION, AWS_ENDPOINT_URL_CODEPIPELINE: env.AWS_ENDPOINT_URL_CODEPIPELINE, AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY });
    try {
      const outcome = await handler(event, context);
      expect(outcome).toEqual({ jobId: job.id, outcome: "succeeded" });
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^publishing lambda\/SourceOutput\/\S+ to s3:\/\/site\/releases\/ \(\d+ ms left\)$/));
    } finally {
      process.env = saved;
      log.mockRestore();
    }
    const done = await waitForStatus(client, "lambda", pipelineExecutionId!, "Succeeded");
    expect(done.status).toBe("Succeeded");
  });
});
