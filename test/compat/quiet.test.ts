/**
 * The test run stays quiet: the official client, which the comparison tests construct, would print its Node
 * version warning once per test file.
 */
import { CodePipelineClient as V3Client } from "@aws-sdk/client-codepipeline";
import { expect, it } from "vitest";

it("constructing the official client emits no Node version warning", async () => {
  const warnings: string[] = [];
  const listen = (w: Error) => warnings.push(w.message);
  process.on("warning", listen);
  try {
    new V3Client({ region: "us-east-1", credentials: { accessKeyId: "AKID", secretAccessKey: "secret" } }).destroy();
    // process.emitWarning delivers on the next tick.
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    process.off("warning", listen);
  }
  expect(warnings.filter((w) => w.includes("NodeVersionSupportWarning"))).toEqual([]);
});
