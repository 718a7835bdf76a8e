// CPU per call with and without OpenTelemetry. Part of `npm run bench` (BENCHMARKS.md); on its own:
//   npm run build && node scripts/bench/tracing.mjs [repeats]
// ours-untraced: the tracing middleware removed, measured in alternating rounds with the client as
// shipped (no provider registered) in the same process;
// ours-otel: a NodeTracerProvider registered; v3 and v3-otel: the official client without and with the
// provider and AwsInstrumentation (set-ups in tracing-setup.mjs; every traced run counts its spans).
import { pathToFileURL } from "node:url";
import { perCall } from "./calls-run.mjs";
import { TRACING_IMPLS } from "./tracing-setup.mjs";

export { TRACING_IMPLS };

const LABELS = {
  "ours-untraced": "codepipeline-client, tracing middleware removed",
  ours: "codepipeline-client as shipped, no tracer provider registered (same processes, alternating rounds)",
  "ours-otel": "codepipeline-client, NodeTracerProvider registered",
  v3: "@aws-sdk/client-codepipeline, no tracing",
  "v3-otel": "@aws-sdk/client-codepipeline (CommonJS), NodeTracerProvider + AwsInstrumentation",
};
const MODES = ["sequential", "concurrent"];
const us = (x) => x.toFixed(0);
const signed = (x) => `${x >= 0 ? "+" : ""}${x.toFixed(0)}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * A ~95% confidence interval of the median of `xs` (sign test: the k-th smallest and k-th largest, with k the
 * largest for which two binomial(n, 1/2) tails of k - 1 hold at most 5%); the whole range when n < 6.
 */
export function medianInterval(xs) {
  const d = [...xs].sort((a, b) => a - b);
  const n = d.length;
  let k = 1;
  let tail = 0.5 ** n; // P(X <= 0)
  let c = 1;
  for (let j = 1; j < n; j++) {
    c = (c * (n - j + 1)) / j;
    if (2 * (tail + c * 0.5 ** n) > 0.05) break;
    tail += c * 0.5 ** n;
    k = j + 1;
  }
  return n < 6 ? [d[0], d[n - 1]] : [d[k - 1], d[n - k]];
}

/**
 * The tracing rows from `perCall` results holding ours-untraced (with the shipped client measured in
 * alternation: `pairs`), ours-otel, v3 and v3-otel: a Markdown table, and whether "no provider" is
 * no slower than "tracing middleware removed": the ~95% interval of the median paired difference (shipped minus
 * removed) reaches 0 or below. A negative figure means no cost was seen, not a saving (the shipped client runs more
 * code, not less); the figure is printed either way.
 */
export function tracingSection(r) {
  const base = r["ours-untraced"];
  const diffs = (m) => base.runs.flatMap((x) => x.pairs[m].map((p) => p.other - p.base));
  const shipped = (m) => median(base.runs.map((x) => median(x.pairs[m].map((p) => p.other))));
  const paired = MODES.map((m) => ({ median: median(diffs(m)), interval: medianInterval(diffs(m)), n: diffs(m).length }));
  const delta = (impl, against) => MODES.map((m) => signed(r[impl][m].cpuUs - r[against][m].cpuUs)).join(" / ");
  const row = (impl, seq, conc, added) =>
    `| ${LABELS[impl]} | ${us(seq)} µs | ${us(conc)} µs | ${added} | ${impl.endsWith("-otel") ? r[impl].spans.toLocaleString("en-US") : ""} |`;
  const figure = paired.map((p) => `${signed(p.median)} (${signed(p.interval[0])} to ${signed(p.interval[1])})`).join(" / ");
  const table = [
    "| ListPipelines CPU per call | sequential | 16 in flight | added by tracing, µs (sequential / 16 in flight) | call spans per process |",
    "|---|---:|---:|---:|---:|",
    row("ours-untraced", base.sequential.cpuUs, base.concurrent.cpuUs, ""),
    row("ours", shipped("sequential"), shipped("concurrent"), `${figure}, median of ${paired[0].n} paired rounds (~95% interval)`),
    row("ours-otel", r["ours-otel"].sequential.cpuUs, r["ours-otel"].concurrent.cpuUs, delta("ours-otel", "ours-untraced")),
    row("v3", r.v3.sequential.cpuUs, r.v3.concurrent.cpuUs, ""),
    row("v3-otel", r["v3-otel"].sequential.cpuUs, r["v3-otel"].concurrent.cpuUs, delta("v3-otel", "v3")),
  ].join("\n");
  const withinNoise = paired.every((p) => p.interval[0] <= 0);
  return { table, withinNoise, figure: `${figure} µs` };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const repeats = Number(process.argv[2] ?? 3);
  const r = await perCall(["ours-untraced", "ours-otel", "v3", "v3-otel"], repeats);
  const { table, withinNoise, figure } = tracingSection(r);
  console.log(table);
  console.log(`\nNo provider vs tracing middleware removed: ${figure} (${withinNoise ? "no cost measured" : "a cost measured"})`);
  const b = r["ours-untraced"];
  console.log(`${b.processes} processes each, pinned: ${b.pinned}`);
}
