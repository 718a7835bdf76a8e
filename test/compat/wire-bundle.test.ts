/**
 * What the request serializer costs a bundle, and what bundling keeps of the error classes.
 */
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

async function bundle(code: string, options: { minify: boolean; format: "esm" | "iife" }): Promise<string> {
  const out = await build({
    stdin: { contents: code, resolveDir: root, loader: "ts", sourcefile: "entry.ts" },
    bundle: true,
    write: false,
    platform: "browser",
    target: "es2022",
    plugins: [browserRuntime],
    logLevel: "silent",
    globalName: "entry",
    ...options,
  });
  return out.outputFiles[0]!.text;
}

const oneCommand = (command: string) =>
  bundle(
    `import { CodePipelineClient, ${command} } from "./src/index.ts";
     export const run = (input: any) => new CodePipelineClient({ region: "us-east-1" }).send(new ${command}(input));`,
    { minify: true, format: "esm" },
  );

/** Member names only the pipeline declaration's input tree holds. */
const DECLARATION_MEMBERS = ["artifactStores", "encryptionKey", "outputArtifacts", "gitConfiguration", "timeoutInMinutes"];

describe("request tables tree-shake", () => {
  it("a one-command bundle carries its own input tree and no other", async () => {
    const list = await oneCommand("ListPipelinesCommand");
    for (const name of DECLARATION_MEMBERS) expect(list, name).not.toContain(name);
    expect(list).toContain("maxResults");
    const create = await oneCommand("CreatePipelineCommand");
    for (const name of DECLARATION_MEMBERS) expect(create, name).toContain(name);
    // shared structures are defined once: the declaration's table is not repeated per use
    expect(create.split("artifactStores:").length - 1).toBe(1);
  });
});

describe("bundled error classes keep their names", () => {
  it("err.constructor.name is CodePipelineServiceException for an unmodeled error", async () => {
    const code = await bundle(
      `import { CodePipelineServiceException, PipelineNotFoundException } from "./src/index.ts";
       export const names = [
         new CodePipelineServiceException({ name: "ThrottlingException" }).constructor.name,
         new PipelineNotFoundException({}).constructor.name,
       ];`,
      { minify: false, format: "iife" },
    );
    const names = new Function(`${code}; return entry.names;`)();
    expect(names).toEqual(["CodePipelineServiceException", "PipelineNotFoundException"]);
  });
});
