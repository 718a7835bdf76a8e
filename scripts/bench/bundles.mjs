// Browser bundle sizes, built with esbuild (minified, gzip level 9), for this
// package and for @aws-sdk/client-codepipeline. Shared by `npm run bench` and
// scripts/size-check.mjs. Needs `npm run build` first (it bundles dist/browser).
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import * as esbuild from "esbuild";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const OURS = "codepipeline-client";
export const V3 = "@aws-sdk/client-codepipeline";

/** Command class names, read from the generated commands/ folder (ours) or v3's dist-es/commands. */
export function commandNames(pkg) {
  const dir = pkg === OURS ? path.join(ROOT, "commands") : path.join(ROOT, "node_modules", V3, "dist-es", "commands");
  return readdirSync(dir)
    .map((f) => /^(\w+Command)\.(ts|js)$/.exec(f)?.[1])
    .filter(Boolean)
    .sort();
}

/** The browser entries measured, as source text: one command, all commands, the aggregated class, every export. */
export function entries(pkg) {
  const q = JSON.stringify(pkg);
  const all = commandNames(pkg);
  return {
    one:
      `import { CodePipelineClient, ListPipelinesCommand } from ${q};\n` +
      `export const list = (config) => new CodePipelineClient(config).send(new ListPipelinesCommand({}));\n`,
    all:
      `import { CodePipelineClient, ${all.join(", ")} } from ${q};\n` +
      `const commands = [${all.join(", ")}];\n` +
      `export const send = (config, i, input) => new CodePipelineClient(config).send(new commands[i](input));\n`,
    aggregated:
      `import { CodePipeline } from ${q};\n` +
      `export const list = (config) => new CodePipeline(config).listPipelines({});\n`,
    everything: `export * from ${q};\n`,
  };
}

/** Bundles one entry for the browser as one file; returns the code, its sizes and esbuild's metafile. */
export async function bundle(source, { plugins = [], minify = true } = {}) {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: ROOT, loader: "js", sourcefile: "entry.js" },
    bundle: true,
    minify,
    format: "esm",
    platform: "browser",
    write: false,
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
    plugins,
  });
  const code = result.outputFiles[0].contents;
  return { code, bytes: code.length, gzip: gz(code), metafile: result.metafile };
}

const gz = (code) => gzipSync(code, { level: 9 }).length;

/**
 * What a page loads before its first call: the entry chunk and, transitively, the chunks it
 * imports statically. Chunks reached only through `import()` (lazy) are left out.
 * `chunks` maps a file name to { code, imports: [file names imported statically] }.
 */
function startUpPath(chunks, entry) {
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f) || !chunks[f]) return;
    seen.add(f);
    for (const i of chunks[f].imports) visit(i);
  };
  visit(entry);
  const files = [...seen];
  const sum = (pick) => files.reduce((a, f) => a + pick(chunks[f].code), 0);
  const all = Object.keys(chunks);
  return {
    files,
    bytes: sum((c) => c.length),
    gzip: sum(gz),
    chunks: files.length,
    lazy: all.filter((f) => !seen.has(f)).reduce((a, f) => a + gz(chunks[f].code), 0),
  };
}

/**
 * esbuild with `--splitting` (ESM): the start-up path of the entry, with the bytes each input
 * module puts on it (`inputs`, from esbuild's metafile).
 */
export async function bundleSplit(source, { plugins = [] } = {}) {
  const dir = path.join(ROOT, "test-output", "size", "esbuild");
  const entryFile = await writeEntry(source);
  const result = await esbuild.build({
    entryPoints: { entry: entryFile },
    bundle: true,
    splitting: true,
    minify: true,
    format: "esm",
    platform: "browser",
    outdir: dir,
    write: false,
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
    plugins,
  });
  const chunks = {};
  const rel = (p) => path.relative(ROOT, p);
  for (const f of result.outputFiles) {
    const meta = result.metafile.outputs[rel(f.path)];
    chunks[rel(f.path)] = { code: f.contents, imports: meta.imports.filter((i) => i.kind === "import-statement").map((i) => i.path) };
  }
  const entry = Object.keys(chunks).find((f) => result.metafile.outputs[f].entryPoint);
  const { files, ...sizes } = startUpPath(chunks, entry);
  const inputs = {};
  for (const f of files)
    for (const [file, { bytesInOutput }] of Object.entries(result.metafile.outputs[f].inputs))
      inputs[file] = { bytesInOutput: (inputs[file]?.bytesInOutput ?? 0) + bytesInOutput };
  return { ...sizes, inputs };
}

/** rollup + node-resolve + commonjs + terser, ESM: one file (`inlineDynamicImports`) or the split start-up path. */
export async function bundleRollup(source, { split }) {
  const { rollup } = await import("rollup");
  const { nodeResolve } = await import("@rollup/plugin-node-resolve");
  const commonjs = (await import("@rollup/plugin-commonjs")).default;
  const terser = (await import("@rollup/plugin-terser")).default;
  const built = await rollup({
    input: await writeEntry(source),
    plugins: [nodeResolve({ browser: true }), commonjs(), json, terser({ format: { comments: false } })],
    onwarn: () => {},
  });
  const { output } = await built.generate({ format: "esm", inlineDynamicImports: !split });
  await built.close();
  const chunks = {};
  for (const c of output) if (c.type === "chunk") chunks[c.fileName] = { code: Buffer.from(c.code), imports: c.imports };
  return startUpPath(chunks, output.find((c) => c.type === "chunk" && c.isEntry).fileName);
}

/** JSON modules (v3 imports its package.json) as ES modules, as @rollup/plugin-json does. */
const json = { name: "json", transform: (code, id) => (id.endsWith(".json") ? { code: `export default ${code};`, map: null } : null) };

/** Entries for esbuild's and rollup's file-based builds live in test-output/size (resolving from the repository). */
async function writeEntry(source) {
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const dir = path.join(ROOT, "test-output", "size");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `entry-${createHash("sha1").update(source).digest("hex").slice(0, 8)}.mjs`);
  writeFileSync(file, source);
  return file;
}

/**
 * Sizes of the three entries for one package: { one, all, aggregated } each { bytes, gzip }
 * (esbuild, one file), and for client + one command also the start-up path with code splitting
 * (`oneSplit`, esbuild) and rollup's figures (`oneRollup` one file, `oneRollupSplit` split).
 */
export async function measure(pkg, { rollup = true } = {}) {
  const out = {};
  const src = entries(pkg);
  for (const [name, s] of Object.entries(src)) {
    const { bytes, gzip } = await bundle(s);
    out[name] = { bytes, gzip };
  }
  out.oneSplit = await bundleSplit(src.one);
  if (rollup) {
    out.oneRollup = await bundleRollup(src.one, { split: false });
    out.oneRollupSplit = await bundleRollup(src.one, { split: true });
  }
  return out;
}

/**
 * What each lazy chunk of dist/browser costs client + ListPipelinesCommand bundled as one file
 * (esbuild): the one-file bundle is measured once as shipped and once per `import()` of the
 * browser runtime with that import replaced by a rejected promise, so the chunk drops out.
 * Also measured: every `import()` made a static import (`staticGzip`), which is what inlining itself costs.
 * Returns { gzip, chunks: [{ specifier, gzip, saved }], staticGzip } (gzipped bytes).
 */
export async function lazyCost() {
  const { readFileSync } = await import("node:fs");
  const file = path.join(ROOT, "dist/browser/index.js");
  const text = readFileSync(file, "utf8");
  const specifiers = [...new Set([...text.matchAll(/import\((['"])(\.{1,2}\/[^'"]+)\1\)/g)].map((m) => m[2]))];
  // dist/browser/index.js as `edit` rewrites it; `swap` replaces one `import()` (either quote style)
  const rewritten = (edit) => ({
    name: "rewrite-browser-entry",
    setup(build) {
      build.onLoad({ filter: /dist[\\/]browser[\\/]index\.js$/ }, () => ({ contents: edit(text), loader: "js" }));
    },
  });
  const swap = (t, specifier, by) => t.split(`import('${specifier}')`).join(by).split(`import("${specifier}")`).join(by);
  const without = (specifier) => rewritten((t) => swap(t, specifier, "Promise.reject()"));
  // every `import()` as a static import: what inlining itself costs
  const statically = rewritten(
    (t) =>
      specifiers.map((sp, i) => `import * as lazy${i} from ${JSON.stringify(sp)};\n`).join("") +
      specifiers.reduce((u, sp, i) => swap(u, sp, `Promise.resolve(lazy${i})`), t),
  );
  const { gzip } = await bundle(entries(OURS).one);
  const chunks = [];
  for (const specifier of specifiers) {
    const cut = await bundle(entries(OURS).one, { plugins: [without(specifier)] });
    chunks.push({ specifier, gzip: cut.gzip, saved: gzip - cut.gzip });
  }
  return { gzip, chunks, staticGzip: (await bundle(entries(OURS).one, { plugins: [statically] })).gzip };
}

/**
 * Per-module breakdown of client + ListPipelinesCommand, bundled from src/ with the browser build's
 * plugins (scripts/browser-plugins.mjs: runtime seam, @smithy/core pieces, the SHA-256 fallback's hash
 * core), as dist/browser is built (the dist bundle is one file, so its metafile cannot tell modules apart).
 * One file (lazy chunks inlined), or with `split` the modules of esbuild's `--splitting` start-up path.
 */
export async function breakdown({ split = false } = {}) {
  const { browserPlugins } = await import("../browser-plugins.mjs");
  const src = entries(OURS).one.replace(JSON.stringify(OURS), JSON.stringify(path.join(ROOT, "src/index.ts")));
  const { bytes, gzip, inputs } = split
    ? await bundleSplit(src, { plugins: browserPlugins })
    : await bundle(src, { plugins: browserPlugins }).then((r) => ({ ...r, inputs: Object.values(r.metafile.outputs)[0].inputs }));
  const modules = Object.entries(inputs)
    .map(([file, { bytesInOutput }]) => ({ file: file.replace(/^.*node_modules\//, "node_modules/"), bytes: bytesInOutput }))
    .filter((m) => m.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const groupOf = (f) => {
    const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
    return m ? m[1] : f.startsWith("src/") || f.startsWith("commands/") || f.startsWith("models/") ? "codepipeline-client" : "(entry)";
  };
  const groups = {};
  for (const m of modules) groups[groupOf(m.file)] = (groups[groupOf(m.file)] ?? 0) + m.bytes;
  return { bytes, gzip, modules, groups: Object.entries(groups).sort((a, b) => b[1] - a[1]) };
}
