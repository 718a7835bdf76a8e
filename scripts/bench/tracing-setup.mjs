// The client set-ups of the tracing benchmark, made inside scripts/bench/calls.mjs (one process each):
//   ours-untraced  this client with its tracing middleware removed (the cost of a client without tracing code),
//                  measured in alternation with the client as shipped in the same process (`pairedCall`)
//   ours-otel      a NodeTracerProvider registered (spans batched to an exporter that drops them)
//   v3-otel        the same provider, and the official AwsInstrumentation, with v3 loaded through `require`:
//                  the instrumentation patches v3's modules as CommonJS loads them, and an ESM `import` of
//                  v3 is not patched (it would make no span and measure nothing)
// With a provider, a span processor counts the call spans that end, so that a run can prove it traced
// every call.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The set-ups this file makes. */
export const TRACING_IMPLS = ["ours-untraced", "ours-otel", "v3-otel"];

const SPAN = "CodePipeline.ListPipelines";
const SPAN_KIND_CLIENT = 2;
let callSpans = 0;

async function registerProvider() {
  const { NodeTracerProvider } = await import("@opentelemetry/sdk-trace-node");
  const { BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const drop = { export: (spans, done) => done({ code: 0 }), shutdown: async () => {} };
  const count = {
    onStart() {},
    onEnd(span) {
      if (span.name === SPAN && span.kind === SPAN_KIND_CLIENT) callSpans++;
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  new NodeTracerProvider({ spanProcessors: [count, new BatchSpanProcessor(drop)] }).register();
}

/**
 * The call of one tracing set-up (a function that sends `ListPipelines`), or undefined when `impl` is
 * not one of `TRACING_IMPLS`.
 */
export async function tracingCall(impl, config) {
  if (impl === "ours-untraced" || impl === "ours-otel") {
    if (impl === "ours-otel") await registerProvider();
    const { CodePipelineClient, ListPipelinesCommand } = await import("codepipeline-client");
    const client = new CodePipelineClient(config);
    if (impl === "ours-untraced") client.middlewareStack.removeByTag("TRACING");
    return () => client.send(new ListPipelinesCommand({}));
  }
  if (impl === "v3-otel") {
    await registerProvider();
    const { registerInstrumentations } = await import("@opentelemetry/instrumentation");
    const { AwsInstrumentation } = await import("@opentelemetry/instrumentation-aws-sdk");
    registerInstrumentations({ instrumentations: [new AwsInstrumentation()] });
    const { CodePipelineClient, ListPipelinesCommand } = require("@aws-sdk/client-codepipeline");
    const client = new CodePipelineClient(config);
    return () => client.send(new ListPipelinesCommand({}));
  }
  return undefined;
}

/**
 * For ours-untraced, the call of this client as shipped (no provider registered), which calls.mjs
 * measures in the same rounds in alternating order: the difference of each pair of rounds is the cost
 * of the tracing code with no provider, with the machine's drift and load shared by both.
 */
export async function pairedCall(impl, config) {
  if (impl !== "ours-untraced") return undefined;
  const { CodePipelineClient, ListPipelinesCommand } = await import("codepipeline-client");
  const client = new CodePipelineClient(config);
  return () => client.send(new ListPipelinesCommand({}));
}

/**
 * The number of call spans that ended; with a provider it must be one per call (`calls`), or the
 * run fails: a figure "with tracing" that traced nothing would be wrong.
 */
export function checkedSpans(impl, calls) {
  if (impl.endsWith("-otel") && callSpans !== calls)
    throw new Error(`${impl}: ${callSpans.toLocaleString("en-US")} spans ${SPAN} for ${calls.toLocaleString("en-US")} calls; the set-up does not trace every call`);
  return callSpans;
}
