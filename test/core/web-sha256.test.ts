/**
 * The browser hash (WebSha256) on both of its paths, WebCrypto and the @aws-crypto/sha256-js fallback
 * (crypto.subtle missing), against node:crypto: SHA-256 and HMAC-SHA-256 for keys shorter than, as long
 * as and longer than the 64-byte block, the empty key, and data around the block and padding edges, given
 * in one piece or in several.
 */
import { createHash, createHmac } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSha256 } from "../../src/runtime/web-sha256.js";

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const KEYS = [undefined, 0, 20, 32, 63, 64, 65, 200].map((n) => (n === undefined ? undefined : bytes(n, 7)));
const SIZES = [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000];

const expected = (key: Uint8Array | undefined, data: Uint8Array) =>
  new Uint8Array((key === undefined ? createHash("sha256") : createHmac("sha256", key)).update(data).digest());

async function digest(key: Uint8Array | undefined, data: Uint8Array, pieces: number) {
  const hash = new WebSha256(key);
  const step = Math.max(1, Math.ceil(data.length / pieces));
  hash.update(data.subarray(0, step));
  for (let at = step; at < data.length; at += step) hash.update(data.subarray(at, at + step));
  return hash.digest();
}

afterEach(() => vi.unstubAllGlobals());

describe("WebSha256", () => {
  for (const path of ["WebCrypto", "sha256-js fallback"] as const) {
    it(`matches node:crypto's SHA-256 and HMAC through ${path}`, async () => {
      if (path === "sha256-js fallback") vi.stubGlobal("crypto", {});
      expect(globalThis.crypto?.subtle === undefined).toBe(path === "sha256-js fallback");
      for (const key of KEYS)
        for (const size of SIZES) {
          const data = bytes(size, 3);
          for (const pieces of [1, 3]) expect(await digest(key, data, pieces), `key ${key?.length} size ${size} in ${pieces}`).toEqual(expected(key, data));
        }
    });
  }

  it("hashes strings as UTF-8 and forgets the data on reset", async () => {
    vi.stubGlobal("crypto", {});
    const hash = new WebSha256("key");
    hash.update("ignored");
    hash.reset();
    hash.update("pipeline-é-✓-😀");
    expect(Buffer.from(await hash.digest()).toString("hex")).toBe(createHmac("sha256", "key").update("pipeline-é-✓-😀").digest("hex"));
  });
});
