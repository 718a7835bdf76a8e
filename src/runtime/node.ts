import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { platform, release } from "node:os";
import type { Checksum, SourceData } from "@smithy/types";
import type { Runtime } from "./types.js";
import { loadNodeDefaults, nodeDefaultCredentials } from "./node-config.js";

/** SHA-256 on node:crypto: several times faster than the JavaScript implementation. */
class NodeSha256 implements Checksum {
  #secret?: SourceData;
  #hash!: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.reset();
  }
  update(data: SourceData): void {
    this.#hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.#hash.digest();
  }
  reset(): void {
    this.#hash = this.#secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(this.#secret));
  }
}

const toBytes = (d: SourceData): Uint8Array | string =>
  typeof d === "string" ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

export const runtime: Runtime = {
  platform: "node",
  loadDefaults: loadNodeDefaults,
  defaultCredentials: nodeDefaultCredentials,
  async createHandler(options) {
    const { NodeHttpHandler } = await import("./node-http.js");
    return NodeHttpHandler.create(options);
  },
  async loadSigner() {
    return (await import("@smithy/signature-v4")).SignatureV4;
  },
  sha256: NodeSha256,
  async collectBody(body) {
    if (body == null) return new Uint8Array(0);
    if (body instanceof Uint8Array) return body;
    if (typeof body === "string") return Buffer.from(body);
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks);
  },
  userAgent: () => `os/${platform()}#${release()} lang/js md/nodejs#${process.versions.node}`,
  sendsUserAgentHeader: true,
};
