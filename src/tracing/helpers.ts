/**
 * Spans for the workflow helpers' own work: a wait, a watch, a job from its
 * acknowledgement to its reported result. The calls they make are the children.
 * Part of the tracing implementation, so code that does not trace never loads it.
 */
import type { PipelineExecutionWaiterInput, PipelineExecutionWaiterResult } from "../helpers/waiter.js";
import type { HelperSpan, JobBackend, SpanAttributes, Tracing } from "./hook.js";
import { SERVICE_ID } from "../generated/service.js";

const executionAttributes = (input: PipelineExecutionWaiterInput | undefined): SpanAttributes => ({
  "aws.codepipeline.pipeline.name": input?.pipelineName,
  "aws.codepipeline.pipeline.execution_id": input?.pipelineExecutionId,
});

/** A waiter's or watcher's result as attributes; a FAILURE or TIMEOUT is the span's failure. */
function endWait(span: HelperSpan, result: Pick<PipelineExecutionWaiterResult, "state" | "status" | "reason"> & { pipelineExecutionId?: string }): void {
  span.setAttributes({
    "aws.codepipeline.waiter.state": result.state,
    "aws.codepipeline.pipeline.execution_status": result.status,
    "aws.codepipeline.pipeline.execution_id": result.pipelineExecutionId,
  });
  span.end(undefined, result.state === "FAILURE" || result.state === "TIMEOUT" ? result.reason ?? result.state : undefined);
}

/** Runs a waiter in an INTERNAL span named `CodePipeline.<helper>`; a `WaiterError` ends it with its result. */
export async function traceWait<R extends PipelineExecutionWaiterResult>(
  t: Tracing,
  helper: string,
  input: Partial<PipelineExecutionWaiterInput> | undefined,
  wait: () => Promise<R>,
): Promise<R> {
  const span = t.start(`${SERVICE_ID}.${helper}`, "internal", executionAttributes(input as PipelineExecutionWaiterInput));
  let result: R;
  try {
    result = await span.run(wait);
  } catch (error) {
    const waited = (error as { result?: R } | null)?.result;
    if (waited?.state) endWait(span, waited);
    else span.end(error);
    throw error;
  }
  endWait(span, result);
  return result;
}

/**
 * Runs a watch in an INTERNAL span `CodePipeline.watchPipelineExecution`: each event it yields
 * is a span event, the result ends it. Every step of the watch runs inside the span.
 */
export async function* traceWatch<E extends { type: string }>(
  t: Tracing,
  input: PipelineExecutionWaiterInput | undefined,
  watch: AsyncGenerator<E, undefined, unknown>,
): AsyncGenerator<E, undefined, unknown> {
  const span = t.start("CodePipeline.watchPipelineExecution", "internal", executionAttributes(input));
  let finished = false;
  let ended = false;
  try {
    for (;;) {
      const step = await span.run(() => watch.next());
      if (step.done) {
        finished = true;
        return undefined;
      }
      const event = step.value as E & Record<string, unknown>;
      if (event.type === "result") {
        endWait(span, event as unknown as PipelineExecutionWaiterResult);
        ended = true;
      } else span.addEvent(`aws.codepipeline.${event.type}`, eventAttributes(event));
      yield step.value;
    }
  } catch (error) {
    finished = true;
    if (!ended) span.end(error);
    ended = true;
    throw error;
  } finally {
    // the consumer left early (break, return): let the watch clean up
    if (!finished) await watch.return(undefined);
    if (!ended) span.end();
  }
}

/** The scalar fields of a watch event. */
function eventAttributes(event: Record<string, unknown>): SpanAttributes {
  const out: SpanAttributes = {};
  for (const [k, v] of Object.entries(event))
    if (k !== "type" && (typeof v === "string" || typeof v === "number" || typeof v === "boolean")) out[`aws.codepipeline.${k}`] = v;
  return out;
}


/**
 * Job spans for a job worker: `run(item, handle)` runs one job's handling, from acknowledgement to
 * reported result, in a CONSUMER span `CodePipeline.Job` (or `CodePipeline.ThirdPartyJob`) with the
 * job id and action type; the outcome (success, continuation, failure and its type, a result that
 * could not be delivered) is recorded from the backend's reports, which this wraps.
 */
export function traceJobs<Item>(
  t: Tracing,
  options: { actionTypeId?: { category?: string; owner?: string; provider?: string; version?: string } },
  backend: JobBackend<Item>,
): JobSpans<Item> {
  /** The span of each job being handled. */
  const spans = new Map<Item, HelperSpan>();
  /** The span of each claimed job, by the claimed job the backend gave (its result may be delivered after the handling). */
  const byClaim = new WeakMap<object, HelperSpan>();
  /** Deliveries still running when their job's handling ended. */
  const deliveries = new WeakMap<HelperSpan, Promise<unknown>>();
  /** The failure message reported for a job, by its span. */
  const failures = new WeakMap<HelperSpan, string>();
  const claim = backend.claim.bind(backend);
  /** Why a job's span ends with ERROR: the failure it reported, or a result that was not delivered. */
  const undelivered = new WeakMap<HelperSpan, string>();
  backend.claim = async (item, ...rest) => {
    const claimed = await claim(item, ...rest);
    const span = spans.get(item);
    if (!span) return claimed;
    if (!claimed) {
      span.setAttributes({ "aws.codepipeline.job.outcome": "not acknowledged" });
      return claimed;
    }
    /** A report (it may be tried several times) that records the outcome, and whether the service accepted it. */
    const reported =
      <A>(send: (a: A, ...rest: unknown[]) => Promise<unknown>, attributes: (a: A) => SpanAttributes) =>
      async (a: A, ...rest: unknown[]): Promise<unknown> => {
        span.setAttributes(attributes(a));
        let out: unknown;
        try {
          out = await send(a, ...rest);
        } catch (error) {
          span.setAttributes({ "aws.codepipeline.job.reported": false, "error.type": (error as Error | undefined)?.name });
          undelivered.set(span, notDelivered(error));
          throw error;
        }
        undelivered.delete(span);
        span.setAttributes({ "aws.codepipeline.job.reported": true });
        return out;
      };
    const wrapped = {
      ...claimed,
      succeed: reported(claimed.succeed.bind(claimed), (r) => ({ "aws.codepipeline.job.outcome": r.continuationToken ? "continuation" : "success" })),
      fail: reported(claimed.fail.bind(claimed), (d) => {
        failures.set(span, failureMessage(d));
        return { "aws.codepipeline.job.outcome": "failure", "aws.codepipeline.job.failure_type": d.type };
      }),
    };
    byClaim.set(wrapped, span);
    return wrapped;
  };
  const a = options.actionTypeId;
  return {
    async run(item, handle) {
      const span = t.start(backend.thirdParty ? "CodePipeline.ThirdPartyJob" : "CodePipeline.Job", "consumer", {
        "aws.codepipeline.job.id": backend.idOf(item),
        "aws.codepipeline.action_type": a ? `${a.category}/${a.owner}/${a.provider}/${a.version}` : undefined,
      });
      spans.set(item, span);
      try {
        await span.run(handle);
      } catch (error) {
        span.end(error);
        throw error;
      } finally {
        spans.delete(item);
      }
      const end = () => span.end(undefined, undelivered.get(span) ?? failures.get(span));
      // the result is delivered in the background: the span ends when it is delivered or given up
      const delivery = deliveries.get(span);
      if (delivery) delivery.then(end, end);
      else end();
    },
    delivering(claimed, delivery) {
      const span = byClaim.get(claimed);
      if (span) deliveries.set(span, delivery);
    },
  };
}

/** The ERROR status message of a job that failed. */
const failureMessage = (d: { type?: string; message?: string } | undefined): string => d?.message ?? d?.type ?? "The job failed";
/** The ERROR status message of a job whose result was not delivered. */
const notDelivered = (error: unknown): string => `The job's result was not delivered: ${(error as Error | undefined)?.message}`;

/** What a Lambda job invocation tells of its job: the outcome, or the result it could not deliver. */
interface LambdaJobEnd {
  outcome?: "succeeded" | "continued" | "failed";
  failureDetails?: { type?: string; message?: string };
  undelivered?: Error;
}
const OUTCOMES = { succeeded: "success", continued: "continuation", failed: "failure" } as const;

/**
 * Runs one Lambda job invocation in a CONSUMER span `CodePipeline.Job`, as a job worker's job: from
 * the handler's start to the reported result, with the job id, the action type (a Lambda invoke
 * action), the invocation's request id (`faas.invocation_id`) and the same outcome attributes.
 * `handle` resolves with the invocation's outcome, or throws a `JobResultUndeliveredError`
 * (its `result` tells what was to be reported) when the result could not be delivered.
 */
export async function traceLambdaJob<O extends LambdaJobEnd>(t: Tracing, jobId: string, invocationId: string | undefined, handle: () => Promise<O>): Promise<O> {
  const span = t.start("CodePipeline.Job", "consumer", {
    "aws.codepipeline.job.id": jobId,
    "aws.codepipeline.action_type": "Invoke/AWS/Lambda/1",
    "faas.invocation_id": invocationId,
  });
  const record = (end: LambdaJobEnd, reported: boolean) =>
    span.setAttributes({
      "aws.codepipeline.job.outcome": end.outcome && OUTCOMES[end.outcome],
      "aws.codepipeline.job.failure_type": end.failureDetails?.type,
      "aws.codepipeline.job.reported": reported,
    });
  let out: O;
  try {
    out = await span.run(handle);
  } catch (error) {
    const r = (error as { result?: { type?: string; result?: { continuationToken?: string }; failureDetails?: LambdaJobEnd["failureDetails"] } } | null)?.result;
    if (r?.type)
      record({ outcome: r.type === "failure" ? "failed" : r.result?.continuationToken ? "continued" : "succeeded", failureDetails: r.failureDetails }, false);
    span.end(error);
    throw error;
  }
  record(out, !out.undelivered);
  if (out.undelivered) span.setAttributes({ "error.type": out.undelivered.name });
  span.end(undefined, out.undelivered ? notDelivered(out.undelivered) : out.outcome === "failed" ? failureMessage(out.failureDetails) : undefined);
  return out;
}

/** Job spans for one worker. */
export interface JobSpans<Item> {
  /** Runs one job's handling (claim, handler, reporting) in its span. */
  run(item: Item, handle: () => Promise<void>): Promise<void>;
  /** Tells that the result of a claimed job is being delivered in the background; its span ends after. */
  delivering(claimed: object, delivery: Promise<unknown>): void;
}
