// The pipeline the helper span tests run against the local endpoint: the shared pipeline's source,
// then its build, an action of a custom action type whose jobs the test's worker or Lambda handler takes.
import { CreateCustomActionTypeCommand, CreatePipelineCommand, type CodePipelineClient } from "../../src/index.js";
import type { LocalCodePipeline } from "../../src/local/index.js";
import { customActionType, pipeline } from "../fixtures/pipeline.mjs";

/** A custom action type id. */
export type ActionType = { category: "Build"; owner: "Custom"; provider: string; version: "1" };

/** Creates the custom action type and a pipeline `name` that runs it after its source. */
export async function createCustomActionPipeline(client: CodePipelineClient, local: LocalCodePipeline, name: string, actionType: ActionType): Promise<void> {
  await client.send(new CreateCustomActionTypeCommand(customActionType(actionType)));
  const declaration = pipeline(name, { roleArn: `arn:aws:iam::${local.accountId}:role/pipeline` }, actionType);
  // Source and Build only: an execution ends once the test has taken the build's job
  declaration.stages = declaration.stages!.slice(0, 2);
  await client.send(new CreatePipelineCommand({ pipeline: declaration }));
}
