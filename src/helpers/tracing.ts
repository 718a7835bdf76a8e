/**
 * Spans for the workflow helpers' own work: a wait, a watch, a job from its acknowledgement
 * to its reported result, with the calls they make as children. They follow the client's
 * tracing (`tracing(client)` from `codepipeline-client/otel`, or in Node a registered
 * OpenTelemetry provider); the span code comes with the tracing implementation, and without
 * tracing a helper pays one await.
 */
import { autoTracing } from "../runtime.js";
import { TRACING, type JobBackend, type Tracing } from "../tracing/hook.js";
import type { PipelineExecutionWaiterInput, PipelineExecutionWaiterResult } from "./waiter.js";
import type { JobSpans } from "../tracing/helpers.js";

/** The tracing of a helper's client: its own, else (Node) the one a registered provider gives. */
async function tracingOf(client: unknown): Promise<Tracing | undefined> {
  const own = (client as { config?: Record<string, unknown> } | undefined)?.config?.[TRACING] as Tracing | undefined;
  return own ?? (await autoTracing?.());
}

/** Runs a waiter in a span `CodePipeline.<helper>` when the client is traced. */
export async function traceWait<R extends PipelineExecutionWaiterResult>(
  helper: string,
  client: unknown,
  input: Partial<PipelineExecutionWaiterInput> | undefined,
  wait: () => Promise<R>,
): Promise<R> {
  const t = await tracingOf(client);
  return t ? t.helpers.traceWait(t, helper, input, wait) : wait();
}

/** Runs a watch in a span when the client is traced. */
export async function* traceWatch<E extends { type: string }>(
  client: unknown,
  input: PipelineExecutionWaiterInput | undefined,
  watch: AsyncGenerator<E, undefined, unknown>,
): AsyncGenerator<E, undefined, unknown> {
  const t = await tracingOf(client);
  return yield* t ? t.helpers.traceWatch(t, input, watch) : watch;
}

/** Job spans for a job worker when its client is traced: `run(item, handle)` runs one job's handling. */
export function jobTracing<Item>(
  options: { client: unknown; actionTypeId?: { category?: string; owner?: string; provider?: string; version?: string } },
  backend: JobBackend<Item>,
): JobSpans<Item> {
  let traced: JobSpans<Item> | undefined;
  return {
    async run(item, handle) {
      const t = await tracingOf(options.client);
      if (!t) return handle();
      return (traced ??= t.helpers.traceJobs(t, options, backend)).run(item, handle);
    },
    delivering: (claimed, delivery) => traced?.delivering(claimed, delivery),
  };
}

/** Runs one Lambda job invocation in a job span `CodePipeline.Job` when the client is traced. */
export async function traceLambdaJob<O extends { outcome: "succeeded" | "continued" | "failed" }>(
  client: unknown,
  jobId: string,
  invocationId: string | undefined,
  handle: () => Promise<O>,
): Promise<O> {
  const t = await tracingOf(client);
  return t ? t.helpers.traceLambdaJob(t, jobId, invocationId, handle) : handle();
}
