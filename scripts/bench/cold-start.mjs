// Node cold start: wall time and peak RSS of a fresh process that imports a
// client package and constructs a client, median of RUNS processes each, with
// bare `node -e 0` as the baseline. Runs are interleaved so drift hits all alike.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT } from "./bundles.mjs";

const here = path.join(ROOT, "scripts", "bench", "cold");
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", NODE_OPTIONS: "" };
const cases = {
  baseline: ["-e", "0"],
  ours: [path.join(here, "ours.mjs")],
  v3: [path.join(here, "v3.mjs")],
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function once(args, withRss) {
  const argv = withRss ? ["-r", path.join(here, "rss.cjs"), ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${argv.join(" ")} failed: ${r.stderr}`);
  if (!withRss) return ms;
  return Number(/MAXRSS (\d+)/.exec(r.stderr)[1]) * 1024;
}

/** { baseline|ours|v3: { ms, rss } } medians over `runs` processes each (plus one discarded warm-up run). */
export function coldStart(runs = 15) {
  const ms = { baseline: [], ours: [], v3: [] };
  const rss = { baseline: [], ours: [], v3: [] };
  for (const args of Object.values(cases)) once(args, false); // fill the OS file cache
  for (let i = 0; i < runs; i++) for (const [k, args] of Object.entries(cases)) ms[k].push(once(args, false));
  for (let i = 0; i < runs; i++) for (const [k, args] of Object.entries(cases)) rss[k].push(once(args, true));
  return Object.fromEntries(Object.keys(cases).map((k) => [k, { ms: median(ms[k]), rss: median(rss[k]), runs }]));
}
