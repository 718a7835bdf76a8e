#!/usr/bin/env node
// Type-checks every TypeScript and JavaScript code block of README.md and docs/*.md under `strict`, each block on
// its own as a module: a block that uses a name it does not declare or import fails. `ts` blocks are checked as
// TypeScript modules; `js` blocks as ES modules, or as CommonJS when they `require(...)`. Blocks in other
// languages (sh, ini, text, diff, output) are not code and are skipped.
//
//   node scripts/check-docs.mjs            check, print each problem as <file>:<line>
//   node scripts/check-docs.mjs --list     list the blocks it checks
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "node_modules", ".cache", "doc-blocks");

/** The Markdown files whose code must compile: the README and every page in docs/ (not the generated API pages). */
function markdownFiles() {
  const files = ["README.md"];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory() && path !== "docs/api") walk(path);
      else if (entry.isFile() && entry.name.endsWith(".md")) files.push(path);
    }
  };
  walk("docs");
  return files;
}

const LANGS = { ts: "ts", typescript: "ts", js: "js", javascript: "js", mjs: "js", cjs: "cjs" };

/** Every checked block: `{ file, line, ext, code }`, `line` being the line of the block's first code line. */
export function extractBlocks(file, text) {
  const blocks = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w+)?\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    const lang = LANGS[(open[2] ?? "").toLowerCase()];
    if (lang) {
      const code = lines.slice(start, end).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join("\n");
      const commonjs = lang === "cjs" || (lang === "js" && /\brequire\(/.test(code) && !/^\s*import\s/m.test(code));
      blocks.push({ file, line: start + 1, ext: lang === "ts" ? "ts" : commonjs ? "cjs" : "mjs", code });
    }
    i = end;
  }
  return blocks;
}

const blocks = markdownFiles().flatMap((file) => extractBlocks(file, readFileSync(join(root, file), "utf8")));
if (process.argv.includes("--list")) {
  for (const b of blocks) console.log(`${b.file}:${b.line} (${b.ext})`);
  process.exit(0);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const names = new Map();
for (const b of blocks) {
  const name = `${b.file.replace(/[/.]/g, "_")}_L${b.line}.${b.ext === "ts" ? "ts" : b.ext}`;
  // A block with no import or export is still a module, so that its names do not clash with other blocks'.
  const moduleMarker = b.ext !== "cjs" && !/^\s*(import|export)\s/m.test(b.code) ? "\nexport {};\n" : "\n";
  writeFileSync(join(out, name), b.code + moduleMarker);
  names.set(name, b);
}
const src = relative(out, join(root, "src"));
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        strict: true,
        allowJs: true,
        checkJs: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        types: ["node"],
        // The blocks import the package by its name; check them against the sources, so no build is needed.
        paths: {
          "codepipeline-client": [`${src}/index.ts`],
          "codepipeline-client/local": [`${src}/local/index.ts`],
          "codepipeline-client/testing": [`${src}/testing/index.ts`],
          "codepipeline-client/validation": [`${src}/validation/index.ts`],
          "codepipeline-client/retry": [`${src}/retry/index.ts`],
          "codepipeline-client/otel": [`${src}/otel/index.ts`],
        },
      },
      include: ["./*.ts", "./*.mjs", "./*.cjs"],
    },
    null,
    2,
  ),
);

let output = "";
try {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(out, "tsconfig.json")], { cwd: root, encoding: "utf8" });
} catch (e) {
  output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
}
// Problems in the package's own sources are the type-check's business, not the docs'.
const problems = output
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => {
    const m = /doc-blocks\/([^(]+)\((\d+),(\d+)\): (.*)$/.exec(l);
    if (!m) return l.startsWith(" ") ? `    ${l.trim()}` : l;
    const b = names.get(m[1]);
    return b ? `${b.file}:${b.line + Number(m[2]) - 1}:${m[3]} ${m[4]}` : l;
  });
if (problems.length) {
  console.error(`Code blocks in the docs that do not compile under strict:\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`${blocks.length} code blocks in ${new Set(blocks.map((b) => b.file)).size} Markdown files compile under strict.`);
