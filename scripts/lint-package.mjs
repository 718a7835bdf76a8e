#!/usr/bin/env node
// Checks the package as npm would publish it:
//   1. `npm pack` the built package into a temporary folder;
//   2. publint (strict: warnings fail too) and @arethetypeswrong/cli (strict profile) on the tarball;
//   3. TypeScript consumers compile against the unpacked tarball with moduleResolution node10, node16
//      (ESM and CJS files), nodenext and bundler, with skipLibCheck off so our .d.ts files are checked too;
//   4. the node16 consumer's compiled ESM and CJS files run under Node (both builds load and send a call
//      through a fake request handler; nothing leaves the machine).
//
//   node scripts/lint-package.mjs [--build] [--keep]     (npm run lint:package builds first)
//
// --build runs `npm run build` first (otherwise dist/ must be up to date); --keep leaves the temporary
// folder for inspection. Exit code 0 when every check passes, 1 otherwise.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const bin = (name) => join(root, "node_modules", ".bin", name);
const results = [];

function run(title, cmd, cmdArgs, options = {}) {
  process.stdout.write(`\n== ${title}\n`);
  try {
    const out = execFileSync(cmd, cmdArgs, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
    if (out.trim()) process.stdout.write(out.trimEnd() + "\n");
    results.push({ title, ok: true });
    return out;
  } catch (e) {
    process.stdout.write(`${e.stdout ?? ""}${e.stderr ?? ""}`.trimEnd() + "\n");
    results.push({ title, ok: false });
    return undefined;
  }
}

if (args.has("--build")) run("build", "npm", ["run", "--silent", "build"]);

const work = mkdtempSync(join(tmpdir(), "codepipeline-client-pack-"));
const packed = run("npm pack", "npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", work]);
const tarball = packed && join(work, packed.trim().split("\n").pop());

if (tarball) {
  run("publint (strict)", bin("publint"), ["run", tarball, "--strict"]);
  run("are the types wrong (strict profile)", bin("attw"), [tarball, "--profile", "strict", "--no-emoji", "--no-color", "--format", "table-flipped"]);

  // A consumer project: the unpacked tarball as node_modules/codepipeline-client, the other packages linked
  // from this repository's node_modules (dependencies are resolved as an install would, without a network).
  const consumer = join(work, "consumer");
  const pkgDir = join(consumer, "node_modules", "codepipeline-client");
  mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkgDir, "--strip-components=1"]);
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if (entry === "codepipeline-client" || entry.startsWith(".")) continue;
    symlinkSync(join(root, "node_modules", entry), join(consumer, "node_modules", entry));
  }
  writeConsumer(consumer);
  for (const project of ["node10", "node16", "nodenext", "bundler"])
    run(`TypeScript consumer, moduleResolution ${project}`, bin("tsc"), ["-p", join(consumer, `tsconfig.${project}.json`)]);
  run("node16 consumer runs as ESM", process.execPath, [join(consumer, "out-node16", "esm.mjs")], { cwd: consumer });
  run("node16 consumer runs as CommonJS", process.execPath, [join(consumer, "out-node16", "cjs.cjs")], { cwd: consumer });
}

if (args.has("--keep")) process.stdout.write(`\nkept ${work}\n`);
else rmSync(work, { recursive: true, force: true });

const failed = results.filter((r) => !r.ok);
process.stdout.write(`\n${results.map((r) => `${r.ok ? "ok  " : "FAIL"} ${r.title}`).join("\n")}\n`);
process.stdout.write(`\n${results.length - failed.length} passed, ${failed.length} failed\n`);
process.exit(failed.length ? 1 : 0);

/** Writes the consumer's sources and one tsconfig per module resolution. */
function writeConsumer(dir) {
  // The same program, written once per module format.
  const body = `
const handler = {
  async handle(request: { headers: Record<string, string> }) {
    const target = request.headers["x-amz-target"];
    const body = target === "CodePipeline_20150709.GetPipeline" ? '{"__type":"PipelineNotFoundException","message":"none"}' : '{"pipelines":[{"name":"p1"}]}';
    const statusCode = target === "CodePipeline_20150709.GetPipeline" ? 400 : 200;
    return { response: { statusCode, headers: { "x-amzn-requestid": "r1" }, body: new TextEncoder().encode(body) } };
  },
};

export async function main(): Promise<string> {
  const client = new CodePipelineClient({ region: "us-east-1", credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET" }, requestHandler: handler as any });
  const out: ListPipelinesCommandOutput = await client.send(new ListPipelinesCommand({}));
  const names: string[] = [];
  for await (const page of paginateListPipelines({ client }, {})) names.push(...(page.pipelines ?? []).map((p) => p.name ?? ""));
  const aggregated = new CodePipeline({ region: "us-east-1", credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET" }, requestHandler: handler as any });
  let error = "";
  try {
    await aggregated.getPipeline({ name: "missing" });
  } catch (e) {
    if (e instanceof PipelineNotFoundException && e instanceof CodePipelineServiceException) error = e.name + "/" + e.$fault;
  }
  const category: ActionCategory = ActionCategory.Source;
  const result = [out.$metadata.requestId, names.join(","), error, category].join(" ");
  if (result !== "r1 p1 PipelineNotFoundException/client Source") throw new Error("unexpected result: " + result);
  return result;
}
`;
  const imports = `import { ActionCategory, CodePipeline, CodePipelineClient, CodePipelineServiceException, ListPipelinesCommand, PipelineNotFoundException, paginateListPipelines, type ListPipelinesCommandOutput } from "codepipeline-client";
import * as validation from "codepipeline-client/validation";
import * as testing from "codepipeline-client/testing";
import * as local from "codepipeline-client/local";
import * as retry from "codepipeline-client/retry";
export const subpaths = [typeof validation, typeof testing, typeof local, typeof retry];
`;
  writeFileSync(join(dir, "esm.mts"), `${imports}${body}\nmain().then((r) => console.log("esm:", r));\n`);
  writeFileSync(join(dir, "cjs.cts"), `${imports}${body}\nmain().then((r) => console.log("cjs:", r));\n`);
  writeFileSync(join(dir, "main.ts"), `${imports}${body}`);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
  const base = { strict: true, skipLibCheck: false, target: "ES2022", lib: ["ES2022", "DOM"], types: ["node"], esModuleInterop: true };
  const projects = {
    node10: { compilerOptions: { ...base, module: "commonjs", moduleResolution: "node10", noEmit: true }, files: ["main.ts"] },
    node16: { compilerOptions: { ...base, module: "node16", moduleResolution: "node16", outDir: "out-node16" }, files: ["esm.mts", "cjs.cts"] },
    nodenext: { compilerOptions: { ...base, module: "nodenext", moduleResolution: "nodenext", noEmit: true }, files: ["esm.mts", "cjs.cts"] },
    bundler: { compilerOptions: { ...base, module: "esnext", moduleResolution: "bundler", noEmit: true }, files: ["main.ts"] },
  };
  for (const [name, config] of Object.entries(projects)) writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
}
