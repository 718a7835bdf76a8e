#!/usr/bin/env node
// Generates the model-derived sources of this package from the CodePipeline Smithy JSON model.
//
//   node scripts/generate.mjs [--model PATH] [--check]
//
// Hover text: smithy/descriptions/<ShapeName>.md, read by scripts/gen/descriptions.mjs, which fails the run
// (exit code 1) when a public name has no text or a file names something the model does not have.
//
// Model path: --model PATH, else $CODEPIPELINE_MODEL, else smithy/codepipeline-2015-07-09.json, the committed
// facts-only copy of AWS's model (refreshed by scripts/refresh-model.mjs). Exit codes: 0 ok, 1 --check found differences or hover text is
// missing, 2 model missing.
//
// Each generated folder (GENERATED_DIRS) gets a README.md naming the generator modules that write its files.
//
// Generator modules: every scripts/gen/*.mjs except lib.mjs and names starting with "_", loaded in file
// name order. Each one does `export default function generate(ctx)` and returns an array of
// `{ path, content }` (path relative to the repository root, "/" separators). Source files must start
// with `ctx.marker`. Output must be deterministic: sort everything that comes from a map or a set.
//
// ctx (built by createContext in scripts/gen/lib.mjs):
//   model, shapes (model.shapes), serviceId, service, marker
//   shape(id)                 the shape with that absolute id, or undefined
//   short(id)                 "com.amazonaws.codepipeline#X" -> "X"
//   operations                [{ name, id, shape }] sorted by name
//   inputOf(op), outputOf(op) shape id of the operation's input/output (UNIT when absent)
//   isUnit(id)                true for smithy.api#Unit or a missing shape
//   inputShapes, outputShapes, operationShapes
//                             Sets of ids reachable from inputs / from outputs and errors / from either
//   errorsOf(op)              error ids of an operation (service-wide ones included), sorted by name
//   errorIds                  every error id used by an operation, sorted by name
//   isError(id), isRequired(member), hasRequiredMembers(id), isSensitive(id, member?)
//   paginated(op)             the smithy.api#paginated trait (merged over the service's) or undefined
//   idempotencyMember(op)     input member name carrying smithy.api#idempotencyToken, or undefined
//   tsType(id)                TypeScript type of a member target ("string", "Date", "Tag[]", ...)
//   enumTypesUsedBy(id)       enum type names a structure's members refer to
//   memberDocLines(member)    doc lines: "Required.", length/range/pattern, default, sensitive
//   hints(id)                 ShapeHints (src/operation.ts) of a shape: timestamps 1, sensitive 2
// Pure helpers (literal, code, docComment, sortBy, compare, propKey, lowerFirst, apiReferenceUrl,
// reachable, children, kindOf, enumEntries, bounds, TRAITS, UNIT, MARKER) are exported by scripts/gen/lib.mjs.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MARKER, compare, createContext } from "./gen/lib.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Folders whose marked .ts files belong to the generator; a marked file no longer produced is stale. */
const GENERATED_DIRS = ["commands", "models", "src/generated", "test/generated"];

function parseArgs(argv) {
  const args = { check: false, model: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--check") args.check = true;
    else if (a === "--model") args.model = argv[++i];
    else if (a.startsWith("--model=")) args.model = a.slice("--model=".length);
    else {
      console.error(`Unknown argument: ${a}\nUsage: node scripts/generate.mjs [--model PATH] [--check]`);
      process.exit(2);
    }
  }
  return args;
}

async function loadGenerators() {
  const dir = join(root, "scripts", "gen");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".mjs") && f !== "lib.mjs" && !f.startsWith("_"))
    .sort(compare);
  const generators = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(join(dir, file)).href);
    if (typeof mod.default !== "function") throw new Error(`scripts/gen/${file} has no default export function`);
    generators.push({ file, generate: mod.default });
  }
  return generators;
}

/** What each generated folder holds, for its README. */
const FOLDER_NOTES = {
  commands: "One command class per operation, and the index that exports them all.",
  models: "The model's structures, enums and errors as TypeScript types and classes.",
  "src/generated": "Tables and classes the runtime reads: the aggregated client, paginators, endpoint rules, the service's facts, shapes and wire tables.",
  "test/generated": "Test data from the model: sample inputs and outputs per operation, the endpoint test cases, v3 type comparisons.",
};

/** A README.md in each generated folder, naming the generator modules that write its files. */
function folderReadmes(outputs, producers) {
  return GENERATED_DIRS.map((dir) => {
    const files = new Map();
    for (const p of [...outputs.keys()].sort(compare))
      if (p.startsWith(dir + "/")) files.set(producers.get(p), [...(files.get(producers.get(p)) ?? []), p.slice(dir.length + 1)]);
    const lines = [...files]
      .sort(([a], [b]) => compare(a, b))
      .map(([f, names]) => `- \`scripts/gen/${f}\`: ${names.length > 4 ? `${names.length} files` : names.map((n) => `\`${n}\``).join(", ")}`);
    const content = [
      `# ${dir}/`,
      "",
      `Generated: every file here is written by \`npm run generate\` (\`scripts/generate.mjs\`) from the`,
      "CodePipeline Smithy model in `smithy/`. Do not edit these files by hand: change the generator module, run",
      "`npm run generate` and commit both; `npm run generate -- --check` (run in CI) fails when they differ.",
      "",
      FOLDER_NOTES[dir],
      "",
      "Written by:",
      ...lines,
      "",
    ].join("\n");
    return [`${dir}/README.md`, content];
  });
}

function collectOutputs(generators, ctx) {
  const outputs = new Map();
  const producers = new Map();
  for (const { file, generate } of generators) {
    for (const { path, content } of generate(ctx)) {
      const p = path.split(sep).join("/");
      producers.set(p, file);
      if (outputs.has(p)) throw new Error(`${p} is produced twice (second time by scripts/gen/${file})`);
      if (/\.(m?[jt]s)$/.test(p) && !content.startsWith(MARKER + "\n")) {
        throw new Error(`${p} (from scripts/gen/${file}) does not start with the marker line`);
      }
      outputs.set(p, content.endsWith("\n") ? content : content + "\n");
    }
  }
  for (const [p, content] of folderReadmes(outputs, producers)) outputs.set(p, content);
  return outputs;
}

function listMarkedFiles() {
  const found = [];
  const walk = (dir) => {
    if (!existsSync(join(root, dir))) return;
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".ts") && readFileSync(join(root, rel), "utf8").startsWith(MARKER)) found.push(rel);
    }
  };
  GENERATED_DIRS.forEach(walk);
  return found.sort(compare);
}

function readOrNull(rel) {
  const file = join(root, rel);
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const modelPath = resolve(
    args.model ?? process.env.CODEPIPELINE_MODEL ?? join(root, "smithy", "codepipeline-2015-07-09.json"),
  );
  if (!existsSync(modelPath)) {
    console.error(`Model not found: ${modelPath}\nPass --model PATH or set CODEPIPELINE_MODEL.`);
    process.exit(2);
  }
  const ctx = createContext(JSON.parse(readFileSync(modelPath, "utf8")));
  const outputs = collectOutputs(await loadGenerators(), ctx);
  const paths = [...outputs.keys()].sort(compare);

  const missing = paths.filter((p) => readOrNull(p) === null);
  const differ = paths.filter((p) => !missing.includes(p) && readOrNull(p) !== outputs.get(p));
  const stale = listMarkedFiles().filter((p) => !outputs.has(p));

  if (args.check) {
    const problems = [
      ...missing.map((p) => `missing: ${p}`),
      ...differ.map((p) => `differs: ${p}`),
      ...stale.map((p) => `stale:   ${p}`),
    ];
    if (problems.length) {
      console.error(`Generated files are out of date (run: node scripts/generate.mjs):\n  ${problems.join("\n  ")}`);
      process.exit(1);
    }
    console.log(`All ${paths.length} generated files are up to date.`);
    return;
  }

  for (const p of [...missing, ...differ]) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), outputs.get(p));
  }
  for (const p of stale) rmSync(join(root, p));
  console.log(
    `${paths.length} generated files: ${missing.length} created, ${differ.length} updated, ${stale.length} stale removed` +
      ` (model: ${relative(process.cwd(), modelPath) || modelPath}).`,
  );
}

main().catch((err) => {
  // An error with an exitCode reports bad generator input (its message says what to fix); others are bugs.
  console.error(err?.exitCode ? err.message : (err?.stack ?? err));
  process.exit(err?.exitCode ?? 3);
});
