// Trace CodePipeline calls with OpenTelemetry: register a tracer provider, as any OpenTelemetry set-up does,
// and every call gets its span; nothing in the code that makes the calls changes.
//
//   node tracing.js
//
// Spans are printed here; in production, give the provider an exporter to your backend (OTLP, ...).
// Region, endpoint and credentials come from the environment. Against the local endpoint: see README.md.
import { trace } from "@opentelemetry/api";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { CodePipelineClient, GetPipelineCommand, ListPipelinesCommand } from "codepipeline-client";

const exporter = new InMemorySpanExporter();
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();

const client = new CodePipelineClient({});
await trace.getTracer("example").startActiveSpan("list and read pipelines", async (span) => {
  const { pipelines = [] } = await client.send(new ListPipelinesCommand({}));
  // an error is recorded on its call's span (ERROR status, the exception, error.type)
  await client.send(new GetPipelineCommand({ name: pipelines[0]?.name ?? "no-such-pipeline" })).catch(() => {});
  span.end();
});

for (const s of exporter.getFinishedSpans()) {
  const parent = exporter.getFinishedSpans().find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
  console.log(`${s.name}${parent ? ` (in "${parent.name}")` : ""} status=${["UNSET", "OK", "ERROR"][s.status.code]}`);
  for (const [k, v] of Object.entries(s.attributes)) console.log(`  ${k}=${v}`);
}
client.destroy();
