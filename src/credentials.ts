import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { CredentialsProviderError } from "./errors.js";

/** Credentials are refreshed this long before they expire. */
export const REFRESH_WINDOW_MS = 5 * 60_000;

/**
 * Wraps a credentials source so it is asked once, its result is reused until
 * it is within five minutes of expiring, and concurrent callers share one lookup.
 * A refresh asks the source with `forceRefresh`, so a caching source fetches again.
 * A failed lookup is not cached; a failed refresh keeps credentials that have not yet expired.
 */
export function memoizeCredentials(
  source: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): AwsCredentialIdentityProvider {
  // Checked at the call, as in v3, so a client made from unset variables fails only when used.
  if (typeof source !== "function") return async () => check(source);
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async (options?: { forceRefresh?: boolean }) => {
    if (current && !options?.forceRefresh && !expiresSoon(current)) return current;
    pending ??= (async () => {
      const previous = current;
      try {
        return (current = check(await source(previous || options?.forceRefresh ? { forceRefresh: true } : undefined)));
      } catch (e) {
        if (previous && !options?.forceRefresh && previous.expiration!.getTime() > Date.now()) return previous;
        throw e;
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
