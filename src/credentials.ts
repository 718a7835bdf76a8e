import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { CredentialsProviderError } from "./errors.js";

/** Credentials are refreshed this long before they expire. */
export const REFRESH_WINDOW_MS = 5 * 60_000;

/**
 * Wraps a credentials source so it is asked once, its result is reused until
 * it is within five minutes of expiring, and concurrent callers share one lookup.
 * A failed lookup is not cached.
 */
export function memoizeCredentials(
  source: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): AwsCredentialIdentityProvider {
  if (typeof source !== "function") {
    const checked = check(source);
    return async () => checked;
  }
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async (options?: { forceRefresh?: boolean }) => {
    if (current && !options?.forceRefresh && !expiresSoon(current)) return current;
    pending ??= (async () => {
      try {
        return (current = check(await source()));
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
