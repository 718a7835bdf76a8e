import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { CredentialsProviderError } from "./errors.js";

/** Credentials are refreshed this long before they expire. */
export const REFRESH_WINDOW_MS = 5 * 60_000;

/**
 * Default longest wait for a credentials, region or endpoint provider, in ms (the `providerTimeout`
 * option): one that never settles fails the calls waiting on it after 30 s (a credential process
 * that asks for an MFA code fits).
 */
export const PROVIDER_TIMEOUT_MS = 30_000;

/**
 * Settles like `promise`, or rejects with `timedOut()` after `ms` (the timer never keeps Node alive).
 * `0` or `Infinity` sets no limit.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  if (!(ms > 0 && ms !== Infinity)) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
    (timer as { unref?: () => void }).unref?.();
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/**
 * Wraps a credentials source so it is asked once, its result is reused until
 * it is within five minutes of expiring, and concurrent callers share one lookup.
 * A refresh asks the source with `forceRefresh`, so a caching source fetches again.
 * A failed lookup is not cached (the next call asks again), and every call that shared it
 * gets a `CredentialsProviderError` whose `cause` is what the source threw; a failed refresh
 * keeps credentials that have not yet expired. A lookup that takes longer than `timeoutMs`
 * (0: no limit) fails the same way; messages name the source by its function name.
 */
export function memoizeCredentials(source: AwsCredentialIdentity | AwsCredentialIdentityProvider, timeoutMs = PROVIDER_TIMEOUT_MS): AwsCredentialIdentityProvider {
  // Checked at the call, as in v3, so a client made from unset variables fails only when used.
  if (typeof source !== "function") return async () => check(source);
  const label = `the credentials provider${source.name ? ` "${source.name}"` : ""}`;
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async (options?: { forceRefresh?: boolean }) => {
    if (current && !options?.forceRefresh && !expiresSoon(current)) return current;
    pending ??= (async () => {
      const previous = current;
      try {
        // a source that throws at once lands in the catch below like one that rejects
        const lookup = source(previous || options?.forceRefresh ? { forceRefresh: true } : undefined);
        const timedOut = () => new CredentialsProviderError(`${label} did not answer within ${timeoutMs} ms (providerTimeout)`);
        return (current = check(await withTimeout(lookup, timeoutMs, timedOut)));
      } catch (e) {
        if (previous && !options?.forceRefresh && previous.expiration!.getTime() > Date.now()) return previous;
        throw typed(e, label);
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}

const expiresSoon = (c: AwsCredentialIdentity): boolean =>
  c.expiration !== undefined && c.expiration.getTime() - Date.now() < REFRESH_WINDOW_MS;

const check = (c: AwsCredentialIdentity | undefined): AwsCredentialIdentity => {
  if (!c || typeof c.accessKeyId !== "string" || typeof c.secretAccessKey !== "string" || !c.accessKeyId || !c.secretAccessKey)
    throw new CredentialsProviderError(
      "Resolved credential object is not valid: it needs a non-empty accessKeyId and secretAccessKey",
    );
  return c;
};

/** What a source threw, as a `CredentialsProviderError` (kept as is when it already is one, by name as in v3). */
const typed = (e: unknown, label: string): unknown =>
  (e as Error | undefined)?.name === "CredentialsProviderError"
    ? e
    : new CredentialsProviderError(`Could not load credentials from ${label}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
