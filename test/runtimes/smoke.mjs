// The runtime smoke program: the same module runs unchanged in Node, Bun, Deno and a
// workerd module Worker. It imports the package by its name, as a user would: server
// runtimes resolve it through test/runtimes/node_modules (the Node build), the Worker
// gets the browser build from esbuild.
//
// `runSmoke` talks to a local CodePipeline endpoint started by the test runner and
// returns one plain JSON-able entry per check; the runner compares them with what it
// expects, so a wrong value shows as a diff rather than a thrown error.
import {
  CodePipelineClient,
  CodePipelineServiceException,
  CreatePipelineCommand,
  GetPipelineCommand,
  ListPipelinesCommand,
  PipelineNotFoundException,
  StartPipelineExecutionCommand,
  paginateListPipelines,
  waitUntilPipelineExecutionComplete,
} from "codepipeline-client";
import { shortPipeline } from "../fixtures/pipeline.mjs";

/** Runs one check, recording its outcome or the error that ended it. */
async function check(results, name, fn) {
  try {
    results[name] = await fn();
  } catch (e) {
    results[name] = { unexpectedError: `${e?.name}: ${e?.message}` };
  }
}

/**
 * @param {object} options
 * @param {string} options.endpoint the local CodePipeline endpoint
 * @param {string} options.stallEndpoint a server on 127.0.0.1 that accepts requests and never answers
 * @param {object} [options.clientConfig] region and credentials; omitted where the runtime's
 *   environment and config files give them (the default chain)
 */
export async function runSmoke({ endpoint, stallEndpoint, clientConfig = {} }) {
  const results = {};
  const client = new CodePipelineClient({ ...clientConfig, endpoint });
  const stalled = new CodePipelineClient({ ...clientConfig, endpoint: stallEndpoint, maxAttempts: 1 });
  const names = ["smoke-a", "smoke-b", "smoke-c"];

  await check(results, "configuration", async () => ({ region: await client.config.region() }));

  await check(results, "create pipelines", async () => {
    const out = [];
    for (const name of names) {
      const { pipeline: created, $metadata } = await client.send(new CreatePipelineCommand({ pipeline: shortPipeline(name) }));
      out.push({ name: created?.name, version: created?.version, status: $metadata.httpStatusCode });
    }
    return out;
  });

  await check(results, "list pipelines with Dates", async () => {
    const { pipelines = [], $metadata } = await client.send(new ListPipelinesCommand({}));
    const started = Date.now();
    return {
      names: pipelines.map((p) => p.name).sort(),
      createdAreDates: pipelines.every((p) => p.created instanceof Date && p.updated instanceof Date),
      createdRecently: pipelines.every((p) => Math.abs(started - p.created.getTime()) < 10 * 60_000),
      status: $metadata.httpStatusCode,
      hasRequestId: typeof $metadata.requestId === "string" && $metadata.requestId.length > 0,
    };
  });

  await check(results, "paginator", async () => {
    const pages = [];
    for await (const page of paginateListPipelines({ client, pageSize: 2 }, {})) pages.push((page.pipelines ?? []).map((p) => p.name));
    const items = [];
    for await (const item of paginateListPipelines.items({ client, pageSize: 1 }, {})) items.push(item.name);
    return { pageSizes: pages.map((p) => p.length), names: pages.flat().sort(), items: items.sort() };
  });

  await check(results, "typed error with $metadata", async () => {
    try {
      await client.send(new GetPipelineCommand({ name: "does-not-exist" }));
      return { thrown: false };
    } catch (e) {
      return {
        name: e.name,
        isTyped: e instanceof PipelineNotFoundException,
        isServiceException: e instanceof CodePipelineServiceException,
        fault: e.$fault,
        status: e.$metadata?.httpStatusCode,
        hasRequestId: typeof e.$metadata?.requestId === "string" && e.$metadata.requestId.length > 0,
        mentionsName: String(e.message).includes("does-not-exist"),
      };
    }
  });

  await check(results, "abort", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    try {
      await stalled.send(new ListPipelinesCommand({}), { abortSignal: controller.signal });
      return { thrown: false };
    } catch (e) {
      return { name: e.name, endedSoon: Date.now() - started < 5_000 };
    }
  });

  await check(results, "per-attempt timeout", async () => {
    const started = Date.now();
    try {
      await stalled.send(new ListPipelinesCommand({}), { requestTimeout: 200 });
      return { thrown: false };
    } catch (e) {
      return { name: e.name, endedSoon: Date.now() - started < 5_000 };
    }
  });

  await check(results, "callback form", async () => {
    const outcome = await new Promise((resolve) => {
      const returned = client.send(new GetPipelineCommand({ name: "smoke-a" }), (err, data) =>
        resolve({ returned, err: err?.name ?? null, name: data?.pipeline?.name, stages: data?.pipeline?.stages?.length }),
      );
    });
    const failed = await new Promise((resolve) => {
      client.send(new GetPipelineCommand({ name: "does-not-exist" }), (err, data) => resolve({ err: err?.name, data: data ?? null }));
    });
    return { ...outcome, returned: outcome.returned === undefined, failed };
  });

  await check(results, "waiter on a short execution", async () => {
    const { pipelineExecutionId } = await client.send(new StartPipelineExecutionCommand({ name: "smoke-a" }));
    const result = await waitUntilPipelineExecutionComplete(
      { client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.2 },
      { pipelineName: "smoke-a", pipelineExecutionId },
    );
    return { state: result.state, status: result.status, sameExecution: result.execution?.pipelineExecutionId === pipelineExecutionId };
  });

  client.destroy();
  stalled.destroy();
  return results;
}
