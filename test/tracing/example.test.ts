// examples/tracing.ts runs as users run it, against the local endpoint: bundled from its file (the package
// resolved to this checkout's sources), run as a child process with the endpoint in its environment.
import { join } from "node:path";
import { bundleExamples } from "../support/examples.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CodePipelineClient, CreateCustomActionTypeCommand, CreatePipelineCommand } from "../../src/index.js";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import { customBuildType, pipeline } from "../local/fixtures.js";
import { buildPackage, runNodeAsync } from "./build.js";

let local: LocalCodePipeline;
let dir = "";
let remove = () => {};
const credentials = { accessKeyId: "LOCALACCESSKEY", secretAccessKey: "LOCALSECRETKEY" };

beforeAll(async () => {
  const pkg = await buildPackage("otel-example", "esm");
  dir = pkg.dir;
  remove = pkg.remove;
  await bundleExamples({ tracing: "examples/tracing.ts" }, dir);
  local = await startLocalCodePipeline({ credentials });
  const client = new CodePipelineClient({ ...local.clientConfig, maxAttempts: 1 });
  await client.send(new CreateCustomActionTypeCommand(customBuildType));
  await client.send(new CreatePipelineCommand({ pipeline: pipeline("traced-example") }));
  client.destroy();
});
afterAll(async () => {
  await local?.close();
  remove();
});

it("examples/tracing.ts prints a span per call, inside the program's own span", async () => {
  const out = await runNodeAsync([join(dir, "tracing.mjs")], {
    AWS_REGION: local.region,
    AWS_ENDPOINT_URL_CODEPIPELINE: local.endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  });
  expect(out).toContain('CodePipeline.ListPipelines (in "list and read pipelines") status=UNSET');
  expect(out).toContain('CodePipeline.GetPipeline (in "list and read pipelines") status=UNSET');
  expect(out).toContain("  rpc.method=GetPipeline");
  expect(out).toContain(`  cloud.region=${local.region}`);
  expect(out).toMatch(/ {2}aws\.request\.id=\S+/);
  expect(out).not.toContain(credentials.secretAccessKey);
});
