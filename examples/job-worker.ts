// A job worker for a custom action: polls for jobs of one action type, runs them, reports each result, and stops
// cleanly on SIGTERM (as a container orchestrator sends it) or Ctrl+C.
//
//   node job-worker.js
//
// The action type is Build / Custom / LocalBuilder / 1; create it with CreateCustomActionType first.
import { CodePipelineClient, JobFailedError, createJobWorker } from "codepipeline-client";

const client = new CodePipelineClient({});

const worker = createJobWorker({
  client,
  actionTypeId: { category: "Build", owner: "Custom", provider: "LocalBuilder", version: "1" },
  concurrency: 2,
  pollIntervalMs: Number(process.env.POLL_INTERVAL_MS ?? 5000),
  async handler(job, { signal }) {
    const project = job.configuration.ProjectName;
    if (!project) throw new JobFailedError("ProjectName is not set", { type: "ConfigurationError" });

    if (!job.continuationToken) {
      // First visit: start the long work, then hand the job back with a token; CodePipeline returns it later.
      console.log(`job ${job.id}: starting a build of ${project}`);
      return { continuationToken: `build-of-${project}`, executionDetails: { summary: "build started", percentComplete: 10 } };
    }
    // Second visit: the work is done (a real worker would check on it, honouring `signal`).
    signal.throwIfAborted();
    console.log(`job ${job.id}: ${job.continuationToken} finished`);
    return {
      executionDetails: { summary: `built ${project}`, percentComplete: 100 },
      outputVariables: { Flavor: "blue" },
    };
  },
  onError: (error, job) => console.error(`worker problem${job ? ` with job ${job.id}` : ""}:`, error instanceof Error ? error.message : error),
});

const stop = () => void worker.stop({ timeoutMs: 30_000 });
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
console.log("worker polling; stop it with Ctrl+C");
await worker.done;
client.destroy();
console.log("worker stopped");
