import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { CodePipelineClient, CodePipelineServiceException, GetPipelineCommand, PipelineNotFoundException } from "../../src/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = mkdtempSync(path.join(os.tmpdir(), "stubber-entry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the testing entry as a separate CommonJS bundle", () => {
  it("stubs a client of the main entry: commands matched by name, errors of the main entry's classes", async () => {
    const out = await build({
      entryPoints: [path.join(root, "src/testing/index.ts")],
      bundle: true,
      write: false,
      format: "cjs",
      platform: "node",
      target: "es2022",
      logLevel: "silent",
    });
    const file = path.join(dir, "testing.cjs");
    writeFileSync(file, out.outputFiles[0]!.contents);
    const testing = createRequire(import.meta.url)(file) as typeof import("../../src/testing/index.js");

    const client = new CodePipelineClient({ region: "eu-west-1" });
    const stubber = testing.createStubber(client);
    stubber
      .expect(GetPipelineCommand, { name: "a" })
      .resolves({ pipeline: { name: "a", version: 1 } })
      .expect(GetPipelineCommand, { name: "b" })
      .rejects("PipelineNotFoundException")
      .expect(GetPipelineCommand, { name: "c" })
      .rejects("AccessDeniedException", { message: "denied" });
    expect((await client.send(new GetPipelineCommand({ name: "a" }))).pipeline).toEqual({ name: "a", version: 1 });
    const notFound = await client.send(new GetPipelineCommand({ name: "b" })).catch((e) => e);
    expect(notFound).toBeInstanceOf(PipelineNotFoundException);
    const denied = await client.send(new GetPipelineCommand({ name: "c" })).catch((e) => e);
    expect(denied).toBeInstanceOf(CodePipelineServiceException);
    expect(denied.name).toBe("AccessDeniedException");
    stubber.assertDone();
    // the bundle has its own copy of nothing from the client: no Command or exception class inside
    expect(out.outputFiles[0]!.text).not.toMatch(/class \w*ServiceException|class Command\b/);
  }, 30_000);
});
