// The pipeline the helper span tests run against the local endpoint: an S3 source, then one action
// of a custom action type, whose jobs the test's worker or Lambda handler takes.
import { CreateCustomActionTypeCommand, CreatePipelineCommand, type CodePipelineClient } from "../../src/index.js";
import type { LocalCodePipeline } from "../../src/local/index.js";

/** A custom action type id. */
export type ActionType = { category: "Build"; owner: "Custom"; provider: string; version: "1" };

/** Creates the custom action type and a pipeline `name` that runs it after its source. */
export async function createCustomActionPipeline(client: CodePipelineClient, local: LocalCodePipeline, name: string, actionType: ActionType): Promise<void> {
  await client.send(
    new CreateCustomActionTypeCommand({
      ...actionType,
      inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
    }),
  );
  await client.send(
    new CreatePipelineCommand({
      pipeline: {
        name,
        roleArn: `arn:aws:iam::${local.accountId}:role/pipeline`,
        artifactStore: { type: "S3", location: `${name}-artifacts` },
        stages: [
          {
            name: "Source",
            actions: [
              {
                name: "Fetch",
                actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" },
                configuration: { S3Bucket: "src", S3ObjectKey: "app.zip" },
                outputArtifacts: [{ name: "src" }],
              },
            ],
          },
          { name: "Build", actions: [{ name: "Compile", actionTypeId: actionType, inputArtifacts: [{ name: "src" }] }] },
        ],
      },
    }),
  );
}
