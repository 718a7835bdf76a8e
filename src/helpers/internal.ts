/**
 * Small pieces shared by the workflow helpers: abortable sleeps, backoff,
 * error classification and text bounds. Nothing here runs at import time.
 */
import type { SendOptions } from "../config.js";
import { classifyError } from "../retry/classify.js";

/** Anything that sends this package's commands: a `CodePipelineClient` or the aggregated `CodePipeline`. */
export interface CommandSender {
  send(command: any, options?: SendOptions): Promise<any>;
}

export const checkClient = (client: unknown, what: string): CommandSender => {
  if (typeof (client as CommandSender | undefined)?.send !== "function")
    throw new TypeError(`${what}: \`client\` must be a CodePipelineClient (or anything with its send method)`);
  return client as CommandSender;
};

/**
 * Waits `ms` milliseconds. Resolves `true` after the full wait, or `false` as
 * soon as one of the signals aborts (at once if one already has).
 */
export function sleepUnlessAborted(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<boolean> {
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  if (live.some((s) => s.aborted)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      for (const s of live) s.removeEventListener("abort", onAbort);
      resolve(slept);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    for (const s of live) s.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The waiter backoff of the official SDK: a random delay between `min` and
 * `min * 2^(attempt-1)`, and `max` once that passes `max` (seconds).
 */
export function waiterDelay(min: number, max: number, attempt: number): number {
  const ceiling = Math.log(max / min) / Math.log(2) + 1;
  if (attempt > ceiling) return max;
  const upper = Math.min(max, min * 2 ** (attempt - 1));
  return min + Math.random() * (upper - min);
}

export const isThrottling = (error: unknown): boolean => classifyError(error) === "THROTTLING";

/** Throttling, timeouts, network failures and 5xx: worth another try later. */
export const isRetryable = (error: unknown): boolean => {
  const kind = classifyError(error);
  return kind === "THROTTLING" || kind === "TRANSIENT" || kind === "SERVER_ERROR";
};

export const isAbort = (error: unknown): boolean => (error as Error | undefined)?.name === "AbortError";

export const errorName = (error: unknown): string =>
  error instanceof Error ? error.name : typeof error === "object" && error !== null && "name" in error ? String((error as { name: unknown }).name) : "Error";

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "string" ? error : typeof (error as { message?: unknown })?.message === "string" ? (error as { message: string }).message : String(error);

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function bound(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}

/** Replaces every occurrence of each secret in `text` with `***`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("***");
  return out;
}
