// Start a pipeline execution and wait for it, as a CI step: exit code 0 when it succeeds, 1 when it fails or
// times out, and a readable reason (stage, action, error) on stderr.
//
//   node start-and-wait.js <pipeline-name> [max-wait-seconds]
import { CodePipelineClient, WaiterError, startPipelineExecutionAndWait } from "codepipeline-client";

const [name, maxWait = "3600"] = process.argv.slice(2);
if (!name) {
  console.error("usage: start-and-wait <pipeline-name> [max-wait-seconds]");
  process.exit(2);
}

const client = new CodePipelineClient({});
// Ctrl+C (or the CI runner cancelling the job) stops waiting at once.
const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
process.once("SIGTERM", () => controller.abort());

try {
  const result = await startPipelineExecutionAndWait(
    { client, maxWaitTime: Number(maxWait), minDelay: Number(process.env.MIN_DELAY_SECONDS ?? 5), abortSignal: controller.signal },
    { name },
  );
  console.log(`execution ${result.pipelineExecutionId} of ${name} succeeded`);
} catch (error) {
  if (!(error instanceof WaiterError)) throw error;
  // e.g. Pipeline "app" execution 1b2c... Failed in stage "Deploy", action "Publish": JobFailed: bucket is read-only
  console.error(`${error.state}: ${error.message}`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
