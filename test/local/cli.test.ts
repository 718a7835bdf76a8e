/**
 * The `codepipeline-local` command: built from src/local/cli.ts as tsup builds the bin, run as a
 * child process, used by the SDK, stopped with SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import * as C from "../../src/index.js";
import { BUILD_TYPE, customBuildType, nextJob, pipeline } from "./fixtures.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const outdir = join(root, "node_modules", ".cache", `codepipeline-local-cli-test-${process.pid}`);
const cli = join(outdir, "cli.js");

beforeAll(async () => {
  await build({
    absWorkingDir: root,
    entryPoints: { cli: "src/local/cli.ts" },
    outdir,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const env = { ...process.env, AWS_REGION: "", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", NO_COLOR: "1" };

/** Runs the command to its end. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("codepipeline-local", () => {
  let child: ChildProcess | undefined;
  afterAll(() => void child?.kill("SIGKILL"));

  it("serves the API with the default credentials until SIGTERM, logging one line per request", async () => {
    child = spawn(process.execPath, [cli, "--port", "0", "--action-delay-ms", "5", "--job-acknowledge-timeout-ms", "200"], { env });
    let stdout = "";
    child.stdout!.on("data", (d) => (stdout += d));
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner; output so far: ${stdout}`)), 10_000);
      child!.stdout!.on("data", () => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const client = new C.CodePipelineClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "LOCALACCESSKEY", secretAccessKey: "LOCALSECRETKEY" },
      maxAttempts: 1,
    });
    expect((await client.send(new C.ListPipelinesCommand({}))).pipelines).toEqual([]);
    const e = await client.send(new C.GetPipelineCommand({ name: "missing" })).catch((x) => x);
    expect(e).toBeInstanceOf(C.PipelineNotFoundException);
    // --job-acknowledge-timeout-ms: a job polled and never acknowledged is handed out again
    await client.send(new C.CreateCustomActionTypeCommand(customBuildType));
    await client.send(new C.CreatePipelineCommand({ pipeline: pipeline("cli") }));
    await client.send(new C.StartPipelineExecutionCommand({ name: "cli" }));
    const job = await nextJob(client, BUILD_TYPE);
    await new Promise((r) => setTimeout(r, 400));
    expect((await nextJob(client, BUILD_TYPE)).id).toBe(job.id);
    client.destroy();
    const code = await new Promise<number | null>((resolve) => {
      child!.on("close", resolve);
      child!.kill("SIGTERM");
    });
    expect(code).toBe(0);
    expect(stdout).toContain("region us-east-1, account 000000000000");
    expect(stdout).toMatch(/ListPipelines 200\n/);
    expect(stdout).toMatch(/GetPipeline 400 PipelineNotFoundException\n/);
    expect(stdout).not.toContain("LOCALSECRETKEY");
  });

  it("--cors-origin lets the pages of that origin call it, and only those", async () => {
    const cors = spawn(process.execPath, [cli, "--port", "0", "--cors-origin", "http://localhost:5173", "--quiet"], { env });
    try {
      let stdout = "";
      cors.stdout.on("data", (d) => (stdout += d));
      const endpoint = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner; output so far: ${stdout}`)), 10_000);
        cors.stdout.on("data", () => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      expect(stdout).toContain("browser pages: http://localhost:5173");
      const ask = (origin: string) =>
        fetch(endpoint, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "x-amz-target" } });
      const ok = await ask("http://localhost:5173");
      expect(ok.status).toBe(204);
      expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
      expect((await ask("http://localhost:4000")).status).toBe(403);
    } finally {
      cors.kill("SIGKILL");
    }
  });

  it("prints its help, and refuses bad options", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: codepipeline-local");
    expect(help.stdout).toContain("--cors ");
    const bad = await run(["--port", "http"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--port must be a whole number");
    const slow = await run(["--job-acknowledge-timeout-ms", "soon"]);
    expect(slow.code).toBe(2);
    expect(slow.stderr).toContain("--job-acknowledge-timeout-ms must be a whole number");
    const half = await run(["--access-key-id", "AKID"]);
    expect(half.code).toBe(2);
    const unknown = await run(["--bogus"]);
    expect(unknown.code).toBe(2);
  });
});
