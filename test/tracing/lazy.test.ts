// In Node, tracing needs no code change and costs nothing until it is used: with no OpenTelemetry
// provider registered, importing the package and making calls never loads @opentelemetry/api nor
// the tracing module; once a provider is registered (even after the client was made), the next
// call loads them and is traced. Checked in child `node` processes over the package built from src
// as tsup builds it (ESM, code splitting), with a resolve hook that records every import.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPackage, runNode } from "./build.js";

let dir = "";
let remove = () => {};

beforeAll(async () => {
  const pkg = await buildPackage("otel-lazy", "esm");
  dir = pkg.dir;
  remove = pkg.remove;
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.LOAD_LOG, r.url + "\\n");
  return r;
}`,
  );
  writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});`);
});
afterAll(() => remove());

/** Runs `body` (ESM, top-level await) with the built package as `pkg`; returns the modules loaded and the program's output. */
function run(name: string, body: string): { modules: string[]; stdout: string } {
  const script = join(dir, `${name}.mjs`);
  const log = join(dir, `${name}.log`);
  writeFileSync(log, "");
  writeFileSync(
    script,
    `const pkg = await import("./index.mjs");
const handler = { handle: async () => ({ response: { statusCode: 200, headers: { "x-amzn-requestid": "r1" }, body: new TextEncoder().encode('{"pipelines":[]}') } }) };
const client = new pkg.CodePipelineClient({ region: "eu-west-1", credentials: { accessKeyId: "AKID", secretAccessKey: "s" }, requestHandler: handler });
${body}`,
  );
  const stdout = runNode(["--import", join(dir, "register.mjs"), script], { LOAD_LOG: log });
  return { modules: readFileSync(log, "utf8").split("\n").filter(Boolean), stdout };
}

const otelApi = (modules: string[]) => modules.some((m) => m.includes("/node_modules/@opentelemetry/api/"));
/** The package's own modules that were loaded (file names in the build folder). */
const own = (modules: string[]) => [...new Set(modules.filter((m) => m.startsWith(pathToFileURL(dir).href)).map((m) => m.slice(m.lastIndexOf("/") + 1)))];
const TRACING_CODE = /function createTracing|rpc\.client\.duration/;

describe("with no OpenTelemetry provider registered", () => {
  it("calls load neither @opentelemetry/api nor the tracing module", () => {
    const { modules } = run("none", `for (let i = 0; i < 3; i++) await client.send(new pkg.ListPipelinesCommand({}));`);
    expect(otelApi(modules)).toBe(false);
    const files = own(modules);
    expect(files).toContain("index.mjs");
    for (const f of files) if (f.endsWith(".mjs") && !f.startsWith("none")) expect(readFileSync(join(dir, f), "utf8"), f).not.toMatch(TRACING_CODE);
  });

  it("an OpenTelemetry global with no tracer or meter provider (only a context manager) loads nothing either", () => {
    const { modules } = run(
      "context-only",
      `globalThis[Symbol.for("opentelemetry.js.api.1")] = { version: "1.9.1", context: {} };
await client.send(new pkg.ListPipelinesCommand({}));`,
    );
    expect(otelApi(modules)).toBe(false);
  });
});

describe("once a provider is registered", () => {
  it("the next call loads the tracing module and gives its span, with no change to the code that makes the calls", () => {
    const { modules, stdout } = run(
      "registered",
      `await client.send(new pkg.ListPipelinesCommand({}));
const { trace } = await import("@opentelemetry/api");
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
await client.send(new pkg.ListPipelinesCommand({}));
await client.send(new pkg.ListPipelinesCommand({}));
trace.disable();
await client.send(new pkg.ListPipelinesCommand({}));
console.log(JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes["aws.request.id"]])));`,
    );
    expect(otelApi(modules)).toBe(true);
    // the two calls made while the provider was registered, not the one before nor the one after
    expect(JSON.parse(stdout)).toEqual([
      ["CodePipeline.ListPipelines", "r1"],
      ["CodePipeline.ListPipelines", "r1"],
    ]);
  });
});
