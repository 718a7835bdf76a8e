import { describe, expect, it } from "vitest";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Points the runtime module at its browser twin, as the browser build does. */
const browserRuntime: Plugin = {
  name: "browser-runtime",
  setup(b) {
    b.onResolve({ filter: /\/runtime\/node\.js$/ }, (args) => ({ path: path.join(args.resolveDir, "runtime", "browser.ts") }));
  },
};

/** A minified browser bundle of `code` (an ES module importing from the repository root). */
async function bundle(code: string): Promise<string> {
  const out = await build({
    stdin: { contents: code, resolveDir: root, loader: "ts", sourcefile: "entry.ts" },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    plugins: [browserRuntime],
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}

/** Strings that only the model tables hold. */
const TABLE_MARKERS = ["ActionConfigurationQueryableValue", "PipelineStageDeclarationList", 'k:"structure"', "^[0-9a-f]{8}-[0-9a-f]{4}"];

describe("bundles", () => {
  it("client + ListPipelinesCommand carries none of the model tables; adding validation() brings them", async () => {
    const plain = await bundle(
      `import { CodePipelineClient, ListPipelinesCommand } from "./src/index.ts";
       export const run = () => new CodePipelineClient({ region: "us-east-1" }).send(new ListPipelinesCommand({}));`,
    );
    for (const marker of TABLE_MARKERS) expect(plain, marker).not.toContain(marker);
    expect(plain).not.toContain("InputValidationError");

    const validated = await bundle(
      `import { CodePipelineClient, ListPipelinesCommand } from "./src/index.ts";
       import { validation } from "./src/validation/index.ts";
       export const run = () => {
         const c = new CodePipelineClient({ region: "us-east-1" });
         c.middlewareStack.use(validation());
         return c.send(new ListPipelinesCommand({}));
       };`,
    );
    for (const marker of TABLE_MARKERS) expect(validated, marker).toContain(marker);
  }, 30_000);
});
