// Browser bundle sizes, built with esbuild (minified, gzip level 9), for this
// package and for @aws-sdk/client-codepipeline. Shared by `npm run bench` and
// scripts/size-check.mjs. Needs `npm run build` first (it bundles dist/browser).
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
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

/** The three browser entries the issue asks for, as source text. */
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
  };
}

/** Bundles one entry for the browser; returns the code, its sizes and esbuild's metafile. */
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
  return { code, bytes: code.length, gzip: gzipSync(code, { level: 9 }).length, metafile: result.metafile };
}

/** Sizes of the three entries for one package: { one, all, aggregated } each { bytes, gzip }. */
export async function measure(pkg) {
  const out = {};
  for (const [name, src] of Object.entries(entries(pkg))) {
    const { bytes, gzip } = await bundle(src);
    out[name] = { bytes, gzip };
  }
  return out;
}

/**
 * Per-module breakdown of client + ListPipelinesCommand, bundled from src/
 * (the dist bundle is one file, so its metafile cannot tell modules apart).
 * The runtime seam is pointed at its browser twin, as tsup.config.ts does.
 */
export async function breakdown() {
  const browserRuntime = {
    name: "browser-runtime",
    setup(build) {
      build.onResolve({ filter: /\/runtime\/node\.js$/ }, (args) => ({ path: path.join(args.resolveDir, "runtime", "browser.ts") }));
    },
  };
  const src = entries(OURS).one.replace(JSON.stringify(OURS), JSON.stringify("./src/index.ts"));
  const { metafile, bytes, gzip } = await bundle(src, { plugins: [browserRuntime] });
  const inputs = Object.values(metafile.outputs)[0].inputs;
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
