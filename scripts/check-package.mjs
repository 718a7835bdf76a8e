#!/usr/bin/env node
/**
 * Checks the published package the way a user gets it: `npm pack`, then `npm install` of the
 * tarball into an empty folder (from the npm cache where it can: `npm ci` cached every tarball; the
 * registry is asked only for package metadata a fresh machine's cache lacks), then
 *   - `import` it from an ES module and `require` it from CommonJS, and send real calls through
 *     the default Node handler (lazily loaded chunks included) to a local server on 127.0.0.1;
 *   - compile a TypeScript consumer against the installed types, ESM and CommonJS
 *     (`module: nodenext`): once strict with Node types and `skipLibCheck: false`, once
 *     browser-like without Node types;
 *   - check what the tarball holds.
 * Then it runs scripts/lint-package.mjs (publint, are-the-types-wrong, the module-resolution
 * matrix), so CI needs one line for both.
 *
 * Usage: node scripts/check-package.mjs [--build] [--keep]   (--build runs `npm run build`
 * first, otherwise dist/ must be current; --keep leaves the temporary folder).
 *
 *        node scripts/check-package.mjs --fresh-clone   clones the committed tree into a temporary folder (no
 * dist/ there), runs `npm pack` in it and checks that `prepack` built dist/ into the tarball. The clone borrows
 * this checkout's node_modules, as `npm ci` in the clone would install the same lock file.
 */
import { execFile, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const started = Date.now();
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const tsc = join(root, "node_modules/typescript/bin/tsc");
const keep = process.argv.includes("--keep");
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", ...opts });
const step = (msg) => console.log(`check-package: ${msg}`);
const fail = (msg) => {
  console.error(`check-package: FAILED: ${msg}`);
  process.exit(1);
};

if (process.argv.includes("--fresh-clone")) {
  const clone = mkdtempSync(join(tmpdir(), "codepipeline-client-clone-"));
  try {
    step(`git clone of the committed tree into ${clone}`);
    sh("git", ["clone", "--quiet", "--no-local", root, join(clone, "repo")]);
    const repo = join(clone, "repo");
    if (existsSync(join(repo, "dist"))) fail("the clone already has dist/: is it committed?");
    symlinkSync(join(root, "node_modules"), join(repo, "node_modules"), "dir");
    step("npm pack in the clone (prepack builds dist/)");
    // prepack's build prints to stdout before npm's JSON report: read the report from its opening bracket.
    const out = sh(npm, ["pack", "--json", "--pack-destination", clone], { cwd: repo });
    const [{ files, entryCount }] = JSON.parse(out.slice(out.startsWith("[") ? 0 : out.lastIndexOf("\n[\n") + 1));
    const paths = files.map((f) => f.path);
    for (const must of ["package.json", "README.md", "LICENSE", "dist/node/index.js", "dist/node/index.cjs", "dist/node/index.d.ts", "dist/browser/index.js", "dist/node/local-cli.js"])
      if (!paths.includes(must)) fail(`the tarball packed in a fresh clone lacks ${must} (${entryCount} files: ${paths.slice(0, 8).join(", ")}...)`);
    step(`ok: the tarball of a fresh clone holds ${entryCount} files, dist/ included (${Math.round((Date.now() - started) / 1000)} s)`);
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
  process.exit(0);
}

if (process.argv.includes("--build")) {
  step("npm run build");
  sh(npm, ["run", "--silent", "build"], { stdio: "inherit" });
}
if (!existsSync(join(root, "dist/node/index.js")) || !existsSync(join(root, "dist/node/index.cjs")))
  fail("dist/ is missing: run `npm run build` first (or pass --build)");

const work = mkdtempSync(join(tmpdir(), "codepipeline-client-install-"));
const consumer = join(work, "consumer");
mkdirSync(consumer);

// a local CodePipeline stand-in: a signed ListPipelines succeeds, anything else is PipelineNotFoundException
const requests = [];
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    requests.push({ target: req.headers["x-amz-target"], body });
    const ok =
      req.headers["x-amz-target"] === "CodePipeline_20150709.ListPipelines" &&
      /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/us-east-1\/codepipeline\/aws4_request, /.test(req.headers.authorization ?? "");
    res.writeHead(ok ? 200 : 400, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "local-1" });
    res.end(JSON.stringify(ok ? { pipelines: [{ name: "p", version: 1, created: 1700000000 }] } : { __type: "PipelineNotFoundException", message: "no such pipeline" }));
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const endpoint = `http://127.0.0.1:${server.address().port}`;

try {
  step("npm pack");
  const [{ filename, files }] = JSON.parse(sh(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", work]));
  const paths = files.map((f) => f.path);
  for (const must of ["package.json", "README.md", "dist/node/index.js", "dist/node/index.cjs", "dist/node/index.d.ts", "dist/node/index.d.cts", "dist/browser/index.js"])
    if (!paths.includes(must)) fail(`the tarball lacks ${must}`);
  const stray = paths.filter((p) => !/^(package\.json|README\.md|LICENSE|dist\/)/.test(p));
  if (stray.length) fail(`the tarball holds files outside dist/: ${stray.join(", ")}`);

  step(`npm install ${filename} into an empty folder (from the npm cache where it can)`);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, version: "0.0.0" }));
  try {
    sh(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", join(work, filename)], { cwd: consumer });
  } catch (e) {
    fail(`npm install of the tarball failed:\n${e.stderr}`);
  }

  const program = (load) => `${load}
const config = { region: "us-east-1", endpoint: process.env.ENDPOINT, credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET" } };
const client = new CodePipelineClient(config);
const out = await client.send(new ListPipelinesCommand({}));
if (!(out.pipelines[0].created instanceof Date) || out.$metadata.requestId !== "local-1") throw new Error("bad output " + JSON.stringify(out));
const agg = new CodePipeline(config);
let caught;
try { await agg.getPipeline({ name: "nope" }); } catch (e) { caught = e; }
if (!(caught instanceof PipelineNotFoundException) || !(caught instanceof CodePipelineServiceException)) throw new Error("bad error " + caught);
client.destroy(); agg.destroy();
console.log("ok " + out.pipelines[0].name + " " + caught.name);
`;
  const names = "CodePipelineClient, CodePipeline, ListPipelinesCommand, PipelineNotFoundException, CodePipelineServiceException";
  writeFileSync(join(consumer, "esm.mjs"), program(`import { ${names} } from "codepipeline-client";`));
  writeFileSync(
    join(consumer, "cjs.cjs"),
    `(async () => {\n${program(`const { ${names} } = require("codepipeline-client");`)}\n})().catch((e) => { console.error(e); process.exit(1); });`,
  );
  for (const file of ["esm.mjs", "cjs.cjs"]) {
    step(`run ${file} (default Node handler, local server)`);
    const out = await runNode(join(consumer, file), { ...process.env, ENDPOINT: endpoint });
    if (out.trim() !== "ok p PipelineNotFoundException") fail(`${file} printed ${JSON.stringify(out)}`);
  }
  if (requests.length !== 4) fail(`the local server saw ${requests.length} requests, expected 4`);

  step("compile a TypeScript consumer against the installed types (ESM and CommonJS; with and without Node types)");
  const ts = `
import { CodePipelineClient, CodePipeline, ListPipelinesCommand, PipelineNotFoundException, ActionCategory, type ListActionTypesCommandOutput, type ListPipelinesCommandOutput } from "codepipeline-client";
const client = new CodePipelineClient({ region: "us-east-1" });
export async function main(): Promise<number> {
  const out: ListPipelinesCommandOutput = await client.send(new ListPipelinesCommand({}));
  const required: ListActionTypesCommandOutput["actionTypes"] = [];
  const cat: ActionCategory = ActionCategory.Build;
  // @ts-expect-error not an ActionCategory
  const bad: ActionCategory = "Nope";
  try { await new CodePipeline({}).getPipeline({ name: "p" }); } catch (e) { if (e instanceof PipelineNotFoundException) { const n: "PipelineNotFoundException" = e.name; void n; } }
  void bad; void cat;
  return (out.pipelines?.length ?? 0) + required.length + out.$metadata.attempts!;
}
`;
  writeFileSync(join(consumer, "consumer-esm.mts"), ts);
  writeFileSync(join(consumer, "consumer-cjs.cts"), ts);
  const base = { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, lib: ["es2022", "dom"] };
  const tsFiles = ["consumer-esm.mts", "consumer-cjs.cts"];
  // strict: every .d.ts checked, Node types present (as in a Node project; @smithy/types needs them too)
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { ...base, skipLibCheck: false, types: ["node"], typeRoots: [join(root, "node_modules/@types")] }, files: tsFiles }),
  );
  // browser-like: no Node types at all, library files not checked (the usual setting)
  writeFileSync(join(consumer, "tsconfig.browser.json"), JSON.stringify({ compilerOptions: { ...base, skipLibCheck: true, types: [] }, files: tsFiles }));
  let trace = "";
  for (const config of ["tsconfig.json", "tsconfig.browser.json"]) {
    const args = [tsc, "-p", join(consumer, config)];
    try {
      const out = sh(process.execPath, config === "tsconfig.json" ? [...args, "--traceResolution"] : args, { cwd: consumer, maxBuffer: 1 << 28 });
      if (config === "tsconfig.json") trace = out;
    } catch (e) {
      fail(`tsc -p ${config} failed on the consumer:\n${String(e.stdout).split("\n").filter((l) => /error TS/.test(l)).join("\n")}${e.stderr}`);
    }
  }
  // the installed package resolves its types through the exports map, for both conditions
  for (const [cond, file] of [["import", "index.d.ts"], ["require", "index.d.cts"]])
    if (!trace.includes(`node_modules/codepipeline-client/dist/node/${file}'`)) fail(`types for the ${cond} condition were not resolved to dist/node/${file}`);
  step(`install checks ok (${readdirSync(join(consumer, "node_modules")).length} top-level entries in node_modules, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
} finally {
  server.close();
  if (keep) step(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

step("scripts/lint-package.mjs");
try {
  execFileSync(process.execPath, [join(root, "scripts/lint-package.mjs"), ...(keep ? ["--keep"] : [])], { cwd: root, stdio: "inherit" });
} catch {
  fail("scripts/lint-package.mjs reported failures");
}

/** Runs a Node script without blocking this process (the local server must keep answering). */
function runNode(file, env) {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [file], { env, cwd: consumer, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} failed: ${stderr || err.message}`));
      else resolvePromise(stdout);
    });
  }).catch((e) => fail(e.message));
}
