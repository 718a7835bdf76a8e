// The browser build points this import at the package's ES module twin (build/module): scripts/browser-plugins.mjs.
import { RawSha256 } from "@aws-crypto/sha256-js/build/main/RawSha256.js";

/**
 * SHA-256 of the parts, or HMAC-SHA-256 (RFC 2104) when a secret is given, on `@aws-crypto/sha256-js`'s
 * hash core. Its `Sha256` class does the same HMAC but brings `tslib` and `@aws-crypto/util` into the
 * chunk for an async `digest()` and input conversions the caller has already done.
 */
export function sha256(parts: Uint8Array[], secret?: Uint8Array): Uint8Array {
  if (secret === undefined) return hash(parts);
  const key = new Uint8Array(BLOCK);
  key.set(secret.byteLength > BLOCK ? hash([secret]) : secret);
  const pad = (x: number) => key.map((b) => b ^ x);
  return hash([pad(0x5c), hash([pad(0x36), ...parts])]);
}

const BLOCK = 64;

const hash = (parts: Uint8Array[]): Uint8Array => {
  const h = new RawSha256();
  for (const p of parts) h.update(p);
  return h.digest();
};
