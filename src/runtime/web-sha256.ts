import { toUint8Array } from "@smithy/core/serde";
import type { Checksum, SourceData } from "@smithy/types";

/**
 * SHA-256 and HMAC-SHA-256 on WebCrypto (`crypto.subtle`). Where `crypto.subtle` is missing
 * (a page served over plain http from another host is not a secure context), the digest is
 * computed by `@aws-crypto/sha256-js` (`./sha256-fallback.ts`), loaded then in a chunk of its own,
 * so secure pages never download it.
 */
export class WebSha256 implements Checksum {
  #secret?: Uint8Array;
  #data: Uint8Array[] = [];
  constructor(secret?: SourceData) {
    if (secret !== undefined) this.#secret = toUint8Array(secret);
  }
  update(data: SourceData): void {
    this.#data.push(toUint8Array(data));
  }
  async digest(): Promise<Uint8Array> {
    const secret = this.#secret;
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) return (await import("./sha256-fallback.js")).sha256(this.#data, secret);
    // one update is the usual case (the signer's); a Blob joins several
    const data = this.#data.length === 1 ? (this.#data[0]! as Uint8Array<ArrayBuffer>) : await new Blob(this.#data as Uint8Array<ArrayBuffer>[]).arrayBuffer();
    if (secret === undefined) return new Uint8Array(await subtle.digest("SHA-256", data));
    // WebCrypto refuses an empty HMAC key; one zero byte is the same key (HMAC pads keys with zeros)
    const key = await subtle.importKey("raw", (secret.byteLength ? secret : new Uint8Array(1)) as Uint8Array<ArrayBuffer>, HMAC, false, ["sign"]);
    return new Uint8Array(await subtle.sign("HMAC", key, data));
  }
  reset(): void {
    this.#data = [];
  }
}

const HMAC = { name: "HMAC", hash: "SHA-256" };
