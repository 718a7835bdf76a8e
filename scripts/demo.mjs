#!/usr/bin/env node
// `npm run demo`: the whole SDK against a local CodePipeline endpoint, with the public API only.
//
// It imports the package by its own name ("codepipeline-client", "codepipeline-client/local"),
// that is the build in dist/. When dist/ is missing or older than the sources (a fresh clone
// after `npm ci`), it first bundles the same entry points with esbuild into
// node_modules/.cache/codepipeline-client-demo/ (well under a second) and imports those.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { customActionType, pipeline } from "../test/fixtures/pipeline.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const started = Date.now();

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const bold = paint("1");
const dim = paint("2");
const green = paint("32");
const red = paint("31");
const yellow = paint("33");
const cyan = paint("36");
const say = (line = "") => process.stdout.write(`${line}\n`);
const short = (id) => (id ? `${id.slice(0, 8)}…` : "?");
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const statusColor = (s) => (s === "Succeeded" ? green : s === "Failed" || s === "Abandoned" ? red : s === "InProgress" ? yellow : (x) => x)(s);

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The package's public entry points: dist/ when it is up to date, otherwise a fresh bundle of src/. */
async function loadPackage() {
  const dist = ["index.js", "local.js"].map((f) => join(root, "dist", "node", f));
  const sources = Math.max(...["src", "commands", "models"].map((d) => newest(join(root, d))));
  if (dist.every((f) => existsSync(f) && statSync(f).mtimeMs >= sources)) {
    return { sdk: await import("codepipeline-client"), local: await import("codepipeline-client/local"), from: "Using the build in dist/." };
  }
  const t0 = Date.now();
  const out = join(root, "node_modules", ".cache", "codepipeline-client-demo");
  const { build } = await import("esbuild");
  await build({
    absWorkingDir: root,
    entryPoints: { index: "src/index.ts", local: "src/local/index.ts" },
    outdir: out,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  const load = (f) => import(pathToFileURL(join(out, f)).href);
  return {
    sdk: await load("index.js"),
    local: await load("local.js"),
    from: `Using a fresh bundle of src/: dist/ is ${existsSync(dist[0]) ? "older than the sources" : "not built"} (bundled in ${Date.now() - t0} ms).`,
  };
}

async function main() {
  const { sdk, local: localModule, from } = await loadPackage();
  const {
    CodePipelineClient,
    CreateCustomActionTypeCommand,
    CreatePipelineCommand,
    StartPipelineExecutionCommand,
    ListPipelineExecutionsCommand,
    GetPipelineCommand,
    PipelineNotFoundException,
    ValidationException,
    createJobWorker,
    watchPipelineExecution,
    approvePendingApproval,
  } = sdk;

  say(bold("codepipeline-client demo: a pipeline run from start to finish, on a local CodePipeline endpoint"));
  say(dim(from));
  say();

  // 1. The endpoint. It checks SigV4 signatures and validates input like the service.
  const local = await localModule.startLocalCodePipeline({ actionDelayMs: 250 });
  say(`${bold("1.")} Local CodePipeline endpoint listening at ${cyan(local.endpoint)} (region ${local.region}, account ${local.accountId})`);
  const client = new CodePipelineClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });

  const builder = { category: "Build", owner: "Custom", provider: "DemoBuilder", version: "1" };
  let worker;
  try {
    // 2. A custom action type: our own build system, served by a job worker.
    await client.send(new CreateCustomActionTypeCommand(customActionType(builder)));
    say(`${bold("2.")} Created the custom action type ${builder.category}/${builder.owner}/${builder.provider}/${builder.version}`);

    // 3. The pipeline: source, custom build, manual approval, deploy (the one the tests use too).
    const name = "demo-app";
    const declaration = pipeline(name, { roleArn: `arn:aws:iam::${local.accountId}:role/demo-pipeline`, pipelineType: "V2" }, builder);
    await client.send(new CreatePipelineCommand({ pipeline: declaration }));
    say(`${bold("3.")} Created the pipeline ${bold(name)}: ${declaration.stages.map((s) => s.name).join(" → ")}`);

    // 4. The job worker: polls, acknowledges, runs the handler, reports the result.
    worker = createJobWorker({
      client,
      actionTypeId: builder,
      pollIntervalMs: 50,
      handler: async (job) => {
        const where = `${job.pipelineContext?.action?.name} (ProjectName=${job.configuration.ProjectName})`;
        if (!job.continuationToken) {
          say(`   ${dim("worker")}   picked up job ${short(job.id)} for ${where}; compiling…`);
          return { continuationToken: "link-step", executionDetails: { summary: "Compiled, linking next", percentComplete: 50 } };
        }
        say(`   ${dim("worker")}   resumed job ${short(job.id)} with continuation token "${job.continuationToken}"; done`);
        return { outputVariables: { Version: "1.4.2" }, executionDetails: { summary: "Built demo-app 1.4.2", percentComplete: 100, externalExecutionId: "build-1" } };
      },
    });
    say(`${bold("4.")} Started a job worker for ${builder.provider} (createJobWorker)`);

    // 5. Run it and follow it live.
    const { pipelineExecutionId } = await client.send(new StartPipelineExecutionCommand({ name }));
    say(`${bold("5.")} Started execution ${bold(short(pipelineExecutionId))}; live progress (watchPipelineExecution):`);
    const runStart = Date.now();
    let result;
    for await (const event of watchPipelineExecution({ client, minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 30 }, { pipelineName: name, pipelineExecutionId })) {
      if (event.type === "stage") say(`   ${cyan("stage")}    ${event.stageName.padEnd(9)} ${statusColor(event.status)}`);
      else if (event.type === "action" && event.status !== "InProgress")
        say(`   ${dim("action")}   ${`${event.stageName}/${event.actionName}`.padEnd(17)} ${statusColor(event.status)}${event.summary ? dim(`  ${event.summary}`) : ""}`);
      else if (event.type === "approval") {
        say(`   ${yellow("approval")} ${event.stageName}/${event.actionName} is waiting; approving it (approvePendingApproval)`);
        await approvePendingApproval({ client }, { pipelineName: name, stageName: event.stageName, actionName: event.actionName, pipelineExecutionId, summary: "Looks good" });
      } else if (event.type === "result") result = event;
    }
    if (result?.state !== "SUCCESS") throw new Error(`the execution did not succeed: ${result?.reason ?? result?.state}`);
    say(`   ${green("✔")} execution ${short(pipelineExecutionId)} ${green("Succeeded")} in ${seconds(Date.now() - runStart)}`);

    // 6. History.
    const { pipelineExecutionSummaries = [] } = await client.send(new ListPipelineExecutionsCommand({ pipelineName: name }));
    say(`${bold("6.")} Executions of ${name} (ListPipelineExecutions):`);
    for (const e of pipelineExecutionSummaries)
      say(
        `   ${short(e.pipelineExecutionId)}  ${statusColor(e.status)}  trigger ${e.trigger?.triggerType}  source ${e.sourceRevisions?.[0]?.revisionId?.slice(0, 12)}  ${seconds(e.lastUpdateTime - e.startTime)}`,
      );

    // 7. Typed errors.
    say(`${bold("7.")} Errors are typed:`);
    try {
      await client.send(new GetPipelineCommand({ name: "no-such-pipeline" }));
      throw new Error("GetPipeline of a missing pipeline succeeded");
    } catch (e) {
      if (!(e instanceof PipelineNotFoundException)) throw e;
      say(`   GetPipeline("no-such-pipeline") threw ${red(e.name)} (instanceof PipelineNotFoundException: ${e instanceof PipelineNotFoundException}, HTTP ${e.$metadata.httpStatusCode}, request id ${short(e.$metadata.requestId)})`);
    }
    try {
      await client.send(
        new CreatePipelineCommand({
          pipeline: {
            name: "bad pipeline name",
            roleArn: "not-an-arn",
            stages: [{ name: "Source", actions: [{ name: "", actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" }, runOrder: 0 }] }],
          },
        }),
      );
      throw new Error("CreatePipeline with an invalid declaration succeeded");
    } catch (e) {
      if (!(e instanceof ValidationException)) throw e;
      say(`   CreatePipeline with an invalid declaration threw ${red(e.name)}, listing every problem:`);
      for (const problem of e.message.replace(/^[^:]*detected: /, "").split("; ")) say(`     - ${problem}`);
    }
    say();
    say(green(bold(`Done in ${seconds(Date.now() - started)}.`)));
  } finally {
    await worker?.stop({ timeoutMs: 0 }).catch(() => undefined);
    client.destroy();
    await local.close();
  }
}

const guard = setTimeout(() => {
  say(red("The demo took longer than 60 s; giving up."));
  process.exit(1);
}, 60_000);
guard.unref();

main().then(
  () => {
    process.exitCode = 0;
  },
  (e) => {
    say(red(`Demo failed: ${e?.name ?? "Error"}: ${e?.message ?? e}`));
    process.exitCode = 1;
  },
);
