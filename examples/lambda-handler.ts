// A Lambda function used as a CodePipeline invoke action, typed with @types/aws-lambda. The job always gets a
// result: success when the handler returns, failure when it throws or when the function is about to time out.
//
// Deploy the bundled file as the function's handler (`export const handler`). UserParameters of the action:
//   {"bucket": "my-site", "prefix": "releases/"}
import type { CodePipelineHandler } from "aws-lambda";
import { createLambdaJobHandler } from "codepipeline-client";

interface Parameters {
  bucket: string;
  prefix?: string;
}

export const handler: CodePipelineHandler = createLambdaJobHandler<Parameters>(async (job, { signal, remainingTimeMs }) => {
  const { bucket, prefix = "" } = job.userParameters;
  if (!bucket) throw new Error('UserParameters must name a "bucket"');
  const artifact = job.inputArtifacts[0]?.location?.s3Location;
  // job.artifactCredentials reads the artifact bucket; it never shows in logs or JSON.stringify(job).
  console.log(`publishing ${artifact?.objectKey ?? "(no input)"} to s3://${bucket}/${prefix} (${remainingTimeMs()} ms left)`);
  signal.throwIfAborted(); // a long task passes `signal` on (fetch, SDK calls) so it stops when time runs out
  return {
    executionDetails: { summary: `published to s3://${bucket}/${prefix}` },
    outputVariables: { TARGET: `s3://${bucket}/${prefix}` },
  };
});
