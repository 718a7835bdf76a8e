/** Fake-clock helpers: only setTimeout/clearTimeout/Date are faked, so real I/O and setImmediate still run. */
import { vi } from "vitest";
import { clientsReady, flush } from "./fake-service.js";

export const useClock = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: new Date("2026-01-01T00:00:00Z") });

/** Settles a promise while advancing the fake clock in steps; fails if it needs more than `maxMs`. */
export async function settle<T>(promise: Promise<T>, { maxMs = 3_600_000, stepMs = 500 } = {}): Promise<T> {
  let done = false;
  let value: T | undefined;
  let error: unknown;
  let failed = false;
  promise.then(
    (v) => ((done = true), (value = v)),
    (e) => ((done = true), (failed = true), (error = e)),
  );
  await clientsReady();
  for (let t = 0; !done; t += stepMs) {
    if (t > maxMs) throw new Error(`still pending after ${maxMs} ms of fake time`);
    await flush();
    if (done) break;
    await vi.advanceTimersByTimeAsync(stepMs);
  }
  if (failed) throw error;
  return value as T;
}

/** Advances the fake clock by `ms`, letting I/O and promise callbacks run on the way. */
export async function advance(ms: number, stepMs = 100) {
  await clientsReady();
  for (let t = 0; t < ms; t += stepMs) {
    await flush();
    await vi.advanceTimersByTimeAsync(Math.min(stepMs, ms - t));
  }
  await flush();
}
