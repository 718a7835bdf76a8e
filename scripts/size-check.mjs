// Size budgets for the browser bundle (bytes are stable across machines, unlike timings).
// Bundles dist/browser exactly as `npm run bench` does (minified, gzip -9) and fails when a
// figure exceeds its budget:
// - client + ListPipelinesCommand with esbuild as one file, and its start-up path with
//   `--splitting` (the entry chunk and the chunks it imports statically; lazy chunks load
//   only when needed: the SHA-256 fallback, endpoint rules for non-standard endpoints,
//   adaptive retry);
// - the same with rollup + terser, one file (`inlineDynamicImports`) and split;
// - client + all commands, the aggregated class and every export (esbuild, one file).
//   node scripts/size-check.mjs          (after `npm run build`; `npm run size` builds first)
import { existsSync } from "node:fs";
import path from "node:path";
import { OURS, ROOT, measure } from "./bench/bundles.mjs";

/**
 * Budgets in gzipped bytes: the figure measured when the budget was last set,
 * plus about 2% of headroom so small fixes pass while real growth is caught.
 * Lower a budget when the bundle shrinks; raise one only with a reason in the commit.
 * The targets are where the project wants to be (see BENCHMARKS.md).
 */
export const BUDGETS = {
  // the target is met: the budget holds it
  oneSplit: { budget: 12_000, measured: 11_944, target: 12_000, label: "client + ListPipelinesCommand, esbuild start-up path (--splitting)" },
  one: { budget: 17_395, measured: 17_101, target: 16_000, label: "client + ListPipelinesCommand, esbuild one file" },
  oneRollupSplit: { budget: 11_843, measured: 11_648, label: "client + ListPipelinesCommand, rollup + terser start-up path (split)" },
  oneRollup: { budget: 16_750, measured: 16_463, label: "client + ListPipelinesCommand, rollup + terser one file" },
  all: { budget: 20_790, measured: 20_421, target: 22_000, label: "client + all commands, esbuild one file" },
  aggregated: { budget: 21_505, measured: 21_132, label: "aggregated CodePipeline class, esbuild one file" },
  everything: { budget: 33_260, measured: 32_659, label: "every export of the main entry, esbuild one file" },
};

if (!existsSync(path.join(ROOT, "dist/browser/index.js"))) {
  console.error("size-check: dist/browser/index.js is missing; run `npm run build` first");
  process.exit(1);
}
const sizes = await measure(OURS);
let failed = false;
const n = (b) => b.toLocaleString("en-US");
for (const [key, { budget, target, label }] of Object.entries(BUDGETS)) {
  const { gzip, bytes, chunks, lazy } = sizes[key];
  const ok = gzip <= budget;
  failed ||= !ok;
  const split = chunks === undefined ? "" : `; ${chunks} chunk${chunks === 1 ? "" : "s"} at start-up, ${n(lazy)} B gzipped in lazy chunks`;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${label}: ${n(gzip)} B gzipped (${n(bytes)} B minified${split}); ` +
      `budget ${n(budget)} B${ok ? "" : ` exceeded by ${n(gzip - budget)} B`}` +
      (target === undefined ? "" : `; target ${n(target)} B ${gzip <= target ? "met" : "not met yet"}`),
  );
}
if (failed) {
  console.error("size-check: over budget. `node scripts/bench/breakdown.mjs` lists the bytes per module.");
  process.exit(1);
}
