// Browsers trace only when asked: the browser bundle of client + one command carries no tracing code
// at all, and importing `codepipeline-client/otel` is what brings it (with @opentelemetry/api).
import path from "node:path";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { root } from "./build.js";

const browserRuntime: esbuild.Plugin = {
  name: "browser-runtime",
  setup(build) {
    build.onResolve({ filter: /\/runtime\/node\.js$/ }, (args) => ({ path: path.join(args.resolveDir, "runtime", "browser.ts") }));
  },
};

/** Bundles an app for the browser from src, as tsup's browser build resolves it; minified. */
async function bundle(app: string): Promise<string> {
  const r = await esbuild.build({
    stdin: { contents: app, resolveDir: root, loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    external: ["@opentelemetry/api"],
    plugins: [browserRuntime],
    logLevel: "silent",
  });
  return r.outputFiles[0]!.text;
}

const ONE = `import { CodePipelineClient, ListPipelinesCommand } from "./src/index.ts";
export const list = (c: any) => new CodePipelineClient(c).send(new ListPipelinesCommand({}));`;
const TRACING_CODE = /tracingMiddleware|tracingAttempt|opentelemetry|aws\.error\.category|rpc\.client\.duration/;

describe("the browser bundle", () => {
  it("of client + one command holds no tracing code", async () => {
    const code = await bundle(ONE);
    expect(code).toContain("ListPipelines");
    expect(code).not.toMatch(TRACING_CODE);
  });

  it("gets the tracing, and imports @opentelemetry/api, only from codepipeline-client/otel", async () => {
    const code = await bundle(`${ONE}
import { tracing } from "./src/otel/index.ts";
export const traced = (c: any) => tracing(new CodePipelineClient(c));`);
    expect(code).toMatch(/from\s*"@opentelemetry\/api"/);
    expect(code).toContain("tracingMiddleware");
    expect(code).toContain("aws.error.category");
  });
});
