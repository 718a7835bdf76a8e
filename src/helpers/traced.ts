/**
 * The waiters and the watch as exported: each runs in a span of its own when the client
 * is traced (see `tracing.ts`), and as it is otherwise.
 */
import * as waiter from "./waiter.js";
import * as watch from "./watch.js";
import { traceWait, traceWatch } from "./tracing.js";

type Config = waiter.PipelineExecutionWaiterConfiguration;
type Input = waiter.PipelineExecutionWaiterInput;
type Result = waiter.PipelineExecutionWaiterResult;

/** Waits for a pipeline execution to finish (see `waiter.ts`); returns the result, whatever the final state. */
export function waitForPipelineExecutionComplete(config: Config, input: Input): Promise<Result> {
  return traceWait("waitForPipelineExecutionComplete", config?.client, input, () => waiter.waitForPipelineExecutionComplete(config, input));
}

/** Like `waitForPipelineExecutionComplete`, but throws a `WaiterError` unless the execution succeeded. */
export function waitUntilPipelineExecutionComplete(config: Config, input: Input): Promise<Result> {
  return traceWait("waitUntilPipelineExecutionComplete", config?.client, input, () => waiter.waitUntilPipelineExecutionComplete(config, input));
}

/** Starts a pipeline execution and waits for it to finish; throws a `WaiterError` unless it succeeded. */
export function startPipelineExecutionAndWait(
  config: Config,
  input: Parameters<typeof waiter.startPipelineExecutionAndWait>[1],
): Promise<
  Result & {
    /** Id of the execution that was started. */
    pipelineExecutionId: string;
  }
> {
  return traceWait("startPipelineExecutionAndWait", config?.client, { pipelineName: input?.name }, () => waiter.startPipelineExecutionAndWait(config, input));
}

/** Follows a pipeline execution, yielding an event for each change and the result last (see `watch.ts`). */
export function watchPipelineExecution(
  config: watch.WatchPipelineExecutionConfiguration,
  input: Input,
): AsyncGenerator<watch.PipelineExecutionEvent, undefined, unknown> {
  return traceWatch(config?.client, input, watch.watchPipelineExecution(config, input));
}
