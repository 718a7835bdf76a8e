// Adds up the vitest JSON reports written by .ci/run and prints one closing line:
// "N passed, N failed" (and skipped, when any). Exits 1 when a report is missing or
// counts a failure.
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2] ?? "test-output/ci";
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of files) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
  passed += r.numPassedTests ?? 0;
  failed += Math.max(r.numFailedTests ?? 0, r.numFailedTestSuites ?? 0);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
if (!files.length) {
  console.error(`no test reports in ${dir}`);
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed ? 1 : 0);
