// CPU per call with and without OpenTelemetry, in one run:
//   npm run build && node scripts/bench/tracing.mjs [repeats]
// ours-untraced: the tracing middleware removed; ours: as shipped, no provider registered;
// ours-otel: a NodeTracerProvider registered (spans batched to an exporter that drops them);
// v3 and v3-otel: the official client without and with the provider and AwsInstrumentation.
import { perCall } from "./calls-run.mjs";

const repeats = Number(process.argv[2] ?? 5);
const impls = ["ours-untraced", "ours", "ours-otel", "v3", "v3-otel"];
const r = await perCall(impls, repeats);
const us = (x) => x.toFixed(1);
const base = r["ours-untraced"];
console.log(`| client | CPU µs/call sequential | CPU µs/call 16 in flight | vs ours-untraced (seq / 16) |`);
console.log(`|---|---:|---:|---:|`);
for (const impl of impls) {
  const x = r[impl];
  const d = (a, b) => `${a - b >= 0 ? "+" : ""}${(a - b).toFixed(1)}`;
  const rel = impl.startsWith("ours") ? `${d(x.sequential.cpuUs, base.sequential.cpuUs)} / ${d(x.concurrent.cpuUs, base.concurrent.cpuUs)}` : "";
  console.log(`| ${impl} | ${us(x.sequential.cpuUs)} | ${us(x.concurrent.cpuUs)} | ${rel} |`);
}
console.log(`\n${r.ours.calls.toLocaleString("en-US")} calls per process, median of ${r.ours.processes} processes each, pinned: ${r.ours.pinned}`);
