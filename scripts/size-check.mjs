// Size budgets for the browser bundle (bytes are stable across machines, unlike timings).
// Bundles dist/browser with esbuild exactly as `npm run bench` does (minified, gzip -9)
// and fails when client + one command or client + all commands exceeds its budget.
//   node scripts/size-check.mjs          (after `npm run build`; `npm run size` builds first)
import { existsSync } from "node:fs";
import path from "node:path";
import { OURS, ROOT, measure } from "./bench/bundles.mjs";

/**
 * Budgets in gzipped bytes: the figure measured when the budget was last set,
 * plus about 3% of headroom so small fixes pass while real growth is caught.
 * Lower a budget when the bundle shrinks; raise one only with a reason in the commit.
 * The targets are where the project wants to be (see BENCHMARKS.md).
 */
export const BUDGETS = {
  one: { budget: 20_450, measured: 19_861, target: 12_000, label: "client + ListPipelinesCommand" },
  all: { budget: 23_880, measured: 23_183, target: 22_000, label: "client + all commands" },
};

if (!existsSync(path.join(ROOT, "dist/browser/index.js"))) {
  console.error("size-check: dist/browser/index.js is missing; run `npm run build` first");
  process.exit(1);
}
const sizes = await measure(OURS);
let failed = false;
for (const [key, { budget, target, label }] of Object.entries(BUDGETS)) {
  const { gzip, bytes } = sizes[key];
  const ok = gzip <= budget;
  failed ||= !ok;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${label}: ${gzip.toLocaleString("en-US")} B gzipped (${bytes.toLocaleString("en-US")} B minified); ` +
      `budget ${budget.toLocaleString("en-US")} B${ok ? "" : ` exceeded by ${(gzip - budget).toLocaleString("en-US")} B`}; ` +
      `target ${target.toLocaleString("en-US")} B ${gzip <= target ? "met" : "not met yet"}`,
  );
}
console.log(`aggregated CodePipeline class: ${sizes.aggregated.gzip.toLocaleString("en-US")} B gzipped (no budget)`);
if (failed) {
  console.error("size-check: over budget. `node scripts/bench/breakdown.mjs` lists the bytes per module.");
  process.exit(1);
}
