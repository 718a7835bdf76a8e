// The runtime smoke suite: test/runtimes/smoke.mjs, unchanged, in every runtime users run
// the package on, against a local CodePipeline endpoint started here by the machine's Node.
//
// - Node 20 (the machine's), 22, 24 and 26, Bun and Deno run main.mjs; the package resolves
//   through test/runtimes/node_modules to the Node build. Region and credentials come from
//   a shared config file and credentials file in a HOME of the test's own (the default chain).
// - Deno runs with --allow-net --allow-env --allow-read only, as a careful user would.
// - workerd runs worker.mjs as a module Worker through miniflare (under Node 22), bundled by
//   esbuild with the browser build, given region and credentials explicitly.
//
// The runtimes are installed by `npm ci --ignore-scripts --prefix test/runtimes` (pinned in
// test/runtimes/package-lock.json). RUNTIMES=node20,deno,... picks some of them.
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";

const HERE = __dirname;
const ROOT = path.resolve(HERE, "../..");
const MODULES = path.join(HERE, "node_modules");
const nodeBin = (major: number) => path.join(MODULES, `node${major}`, "bin", "node");

interface Runtime {
  /** The program and its arguments before the options. */
  command: () => [string, ...string[]];
  /** The program's arguments before the options. */
  entry: () => string[];
  /** Whether region and credentials come from the environment and config files. */
  defaultChain: boolean;
  /** Arguments that print the runtime's version. */
  version: string[];
}

const RUNTIMES: Record<string, Runtime> = {
  node20: { command: () => [process.execPath], entry: () => [path.join(app, "main.mjs")], defaultChain: true, version: ["--version"] },
  node22: { command: () => [nodeBin(22)], entry: () => [path.join(app, "main.mjs")], defaultChain: true, version: ["--version"] },
  node24: { command: () => [nodeBin(24)], entry: () => [path.join(app, "main.mjs")], defaultChain: true, version: ["--version"] },
  node26: { command: () => [nodeBin(26)], entry: () => [path.join(app, "main.mjs")], defaultChain: true, version: ["--version"] },
  bun: { command: () => [path.join(MODULES, "@oven/bun-linux-x64/bin/bun")], entry: () => [path.join(app, "main.mjs")], defaultChain: true, version: ["--version"] },
  deno: {
    command: () => [path.join(MODULES, "@deno/linux-x64-glibc/deno"), "run", "--allow-net", "--allow-env", "--allow-read"],
    entry: () => [path.join(app, "main.mjs")],
    defaultChain: true,
    version: ["--version"],
  },
  // miniflare 4 needs Node 22 or later.
  workerd: { command: () => [nodeBin(22)], entry: () => [path.join(HERE, "worker-host.mjs"), path.join(app, "worker.mjs")], defaultChain: false, version: ["-p", "require('miniflare/package.json').version"] },
};

const selected = (process.env.RUNTIMES ?? Object.keys(RUNTIMES).join(","))
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
for (const name of selected) if (!RUNTIMES[name]) throw new Error(`unknown runtime ${JSON.stringify(name)} in RUNTIMES; known: ${Object.keys(RUNTIMES).join(", ")}`);

const run = (file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeout = 120_000) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(file, args, { cwd, env, timeout, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });

/** What every runtime must report, check by check. */
const expected = {
  configuration: { region: "us-east-1" },
  "create pipelines": ["smoke-a", "smoke-b", "smoke-c"].map((name) => ({ name, version: 1, status: 200 })),
  "list pipelines with Dates": { names: ["smoke-a", "smoke-b", "smoke-c"], createdAreDates: true, createdRecently: true, status: 200, hasRequestId: true },
  paginator: { pageSizes: [2, 1], names: ["smoke-a", "smoke-b", "smoke-c"], items: ["smoke-a", "smoke-b", "smoke-c"] },
  "typed error with $metadata": {
    name: "PipelineNotFoundException",
    isTyped: true,
    isServiceException: true,
    fault: "client",
    status: 400,
    hasRequestId: true,
    mentionsName: true,
  },
  abort: { name: "AbortError", endedSoon: true },
  "per-attempt timeout": { name: "TimeoutError", endedSoon: true },
  "callback form": { returned: true, err: null, name: "smoke-a", stages: 2, failed: { err: "PipelineNotFoundException", data: null } },
  "waiter on a short execution": { state: "SUCCESS", status: "Succeeded", sameExecution: true },
};

let stall: http.Server;
let stallEndpoint = "";
let home = "";
let app = "";

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, "dist/node/index.js")) || !existsSync(path.join(ROOT, "dist/browser/index.js")))
    throw new Error("dist/ is missing: run `npm run build` first");
  if (!existsSync(MODULES)) throw new Error("the runtimes are not installed: run `npm ci --ignore-scripts --prefix test/runtimes`");
  // A user's app: the smoke program's files, a package.json, and the package in node_modules.
  home = mkdtempSync(path.join(tmpdir(), "smoke-"));
  app = path.join(home, "app");
  mkdirSync(path.join(app, "node_modules"), { recursive: true });
  for (const f of ["smoke.mjs", "main.mjs", "worker.mjs"]) copyFileSync(path.join(HERE, f), path.join(app, f));
  // the shared pipeline fixture, at the same place relative to smoke.mjs as in the repository
  mkdirSync(path.join(home, "fixtures"));
  copyFileSync(path.join(HERE, "..", "fixtures", "pipeline.mjs"), path.join(home, "fixtures", "pipeline.mjs"));
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "smoke-app", private: true, type: "module", dependencies: { "codepipeline-client": "*" } }));
  symlinkSync(ROOT, path.join(app, "node_modules", "codepipeline-client"));
  // A server that accepts requests and never answers: for the abort and the timeout.
  stall = http.createServer(() => {});
  await new Promise<void>((r) => stall.listen(0, "127.0.0.1", r));
  stallEndpoint = `http://127.0.0.1:${(stall.address() as AddressInfo).port}`;
});

afterAll(async () => {
  stall?.closeAllConnections();
  await new Promise<void>((r) => (stall ? stall.close(() => r()) : r()));
  if (home) rmSync(home, { recursive: true, force: true });
});

describe.each(selected)("%s", (name) => {
  const runtime = RUNTIMES[name]!;
  let local: LocalCodePipeline;
  let results: Record<string, unknown> = {};
  let failure = "";

  beforeAll(async () => {
    const [file, ...pre] = runtime.command();
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm ci --ignore-scripts --prefix test/runtimes\``);
    local = await startLocalCodePipeline({ actionDelayMs: 10 });
    const { accessKeyId, secretAccessKey } = local.credentials;
    // The environment a user's shell would give: HOME with ~/.aws files, nothing from this process.
    const userHome = path.join(home, `home-${name}`);
    mkdirSync(path.join(userHome, ".aws"), { recursive: true });
    writeFileSync(path.join(userHome, ".aws", "config"), `[default]\nregion = ${local.region}\n`);
    writeFileSync(path.join(userHome, ".aws", "credentials"), `[default]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`);
    const env = { PATH: process.env.PATH, HOME: userHome, AWS_EC2_METADATA_DISABLED: "true", NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
    const options = {
      endpoint: local.endpoint,
      stallEndpoint,
      ...(runtime.defaultChain ? {} : { clientConfig: { region: local.region, credentials: local.credentials } }),
    };
    const version = await run(file, runtime.version, env, HERE, 30_000);
    const started = Date.now();
    const out = await run(file, [...pre, ...runtime.entry(), JSON.stringify(options)], env, app);
    const line = out.stdout.trim().split("\n").pop() ?? "";
    console.log(`${name} (${version.stdout.trim().split("\n")[0]}): smoke program ran in ${Date.now() - started} ms, exit ${out.code}`);
    try {
      results = JSON.parse(line);
    } catch {
      failure = `${name} exited ${out.code} without results.\nstdout: ${out.stdout.slice(-4000)}\nstderr: ${out.stderr.slice(-4000)}`;
    }
    if (out.code !== 0 && !failure) failure = `${name} exited ${out.code}.\nstderr: ${out.stderr.slice(-4000)}`;
  }, 180_000);

  afterAll(async () => {
    await local?.close();
  });

  it("runs the program to its end", () => {
    expect(failure).toBe("");
    expect(Object.keys(results)).toEqual(Object.keys(expected));
  });

  it.each(Object.keys(expected))("%s", (check) => {
    expect(results[check], failure || undefined).toEqual(expected[check as keyof typeof expected]);
  });
});
