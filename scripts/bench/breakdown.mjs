// Bytes per module in the browser bundle of client + ListPipelinesCommand
// (esbuild metafile, bundled from src/ with the browser runtime), as Markdown.
//   node scripts/bench/breakdown.mjs [--split] [--all | --top N]   (default: the top 40 modules)
// --split: the modules of esbuild's `--splitting` start-up path only (lazy chunks left out).
//   node scripts/bench/breakdown.mjs --lazy   what each lazy chunk of dist/browser costs the one-file
//   bundle (after `npm run build`): the bundle measured without that chunk's `import()`.
import { breakdown, lazyCost } from "./bundles.mjs";

if (process.argv.includes("--lazy")) {
  const { gzip, chunks, staticGzip } = await lazyCost();
  const n = (b) => b.toLocaleString("en-US");
  const lines = [`Client + ListPipelinesCommand from dist/browser, esbuild one file: ${n(gzip)} B gzipped.`, ""];
  lines.push("| Lazy chunk left out | One file, gzipped | Saved |", "| --- | ---: | ---: |");
  // chunk names without esbuild's content hash
  for (const c of chunks) lines.push(`| \`${c.specifier.replace(/-[A-Z0-9]{8}(?=\.js$)/, "")}\` | ${n(c.gzip)} | ${n(c.saved)} |`);
  lines.push("", `With every \`import()\` made a static import instead: ${n(staticGzip)} B gzipped (inlining costs ${n(gzip - staticGzip)} B).`);
  console.log(lines.join("\n"));
  process.exit(0);
}

const split = process.argv.includes("--split");
const { bytes, gzip, modules, groups } = await breakdown({ split });
const pct = (b) => `${((100 * b) / bytes).toFixed(1)}%`;
// gzip does not split by module; the share of the minified bytes, applied to the gzipped total, is a fair estimate.
const gz = (b) => `~${((gzip * b) / bytes / 1000).toFixed(1)} KB`;
const lines = [];
lines.push(`Client + ListPipelinesCommand from src/${split ? ", esbuild --splitting start-up path" : ", one file"}: ${bytes.toLocaleString("en-US")} B minified, ${gzip.toLocaleString("en-US")} B gzipped.`, "");
lines.push("| Package | Minified bytes | Share | Gzipped (estimate) |", "| --- | ---: | ---: | ---: |");
for (const [g, b] of groups) lines.push(`| ${g} | ${b.toLocaleString("en-US")} | ${pct(b)} | ${gz(b)} |`);
lines.push("", "| Module | Minified bytes | Share |", "| --- | ---: | ---: |");
const top = process.argv.indexOf("--top");
const shown = process.argv.includes("--all") ? modules : modules.slice(0, top > 0 ? Number(process.argv[top + 1]) : 40);
for (const m of shown) lines.push(`| \`${m.file}\` | ${m.bytes.toLocaleString("en-US")} | ${pct(m.bytes)} |`);
if (shown.length < modules.length) lines.push(`| ${modules.length - shown.length} smaller modules | ${modules.slice(shown.length).reduce((a, m) => a + m.bytes, 0).toLocaleString("en-US")} | |`);
console.log(lines.join("\n"));
