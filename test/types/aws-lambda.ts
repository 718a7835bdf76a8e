/**
 * `createLambdaJobHandler` fits `@types/aws-lambda`: compiled by `tsc -p test/tsconfig.json` (never run).
 * If the event type stopped accepting `CodePipelineEvent` (for example `revision: null`), or the returned
 * function stopped being a `CodePipelineHandler`, this file would fail to compile.
 */
import type { CodePipelineEvent, CodePipelineHandler, Context } from "aws-lambda";
import { createLambdaJobHandler, type CodePipelineJobEvent, type LambdaJobOutcome } from "../../src/index.js";

// The returned function is a CodePipelineHandler.
export const handler: CodePipelineHandler = createLambdaJobHandler<{ bucket: string }>(async (job) => {
  const revision: string | undefined = job.inputArtifacts[0]?.revision;
  return { outputVariables: { BUCKET: job.userParameters.bucket, REVISION: revision ?? "none" } };
});

// The event type is assignable from CodePipelineEvent, revision: null included.
declare const event: CodePipelineEvent;
const accepted: CodePipelineJobEvent = event;
const withNull: CodePipelineJobEvent = {
  "CodePipeline.job": {
    id: "job-1",
    data: { inputArtifacts: [{ name: "Src", revision: null, location: { type: "S3", s3Location: { bucketName: "b", objectKey: "k" } } }] },
  },
};

// Called directly, it resolves with what it did.
declare const context: Context;
export const outcome: Promise<LambdaJobOutcome> = createLambdaJobHandler(() => undefined)(accepted, context);
export { withNull };

// @ts-expect-error a job id is required, as in every CodePipeline event
export const noId: CodePipelineJobEvent = { "CodePipeline.job": { data: {} } };
