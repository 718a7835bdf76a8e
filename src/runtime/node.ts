import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { platform, release } from "node:os";
import type { Checksum, SourceData } from "@smithy/types";
import type { Runtime } from "./types.js";
import { CredentialsProviderError } from "../errors.js";

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
  async loadDefaults() {
    const env = process.env;
    const bool = (v: string | undefined) => (v === undefined ? undefined : v.toLowerCase() === "true");
    return {
      region: env.AWS_REGION || undefined,
      endpointUrl: env.AWS_ENDPOINT_URL_CODEPIPELINE || env.AWS_ENDPOINT_URL || undefined,
      useFipsEndpoint: bool(env.AWS_USE_FIPS_ENDPOINT),
      useDualstackEndpoint: bool(env.AWS_USE_DUALSTACK_ENDPOINT),
      maxAttempts: env.AWS_MAX_ATTEMPTS ? Number(env.AWS_MAX_ATTEMPTS) : undefined,
      retryMode: env.AWS_RETRY_MODE || undefined,
      userAgentAppId: env.AWS_SDK_UA_APP_ID || undefined,
    };
  },
  defaultCredentials() {
    return async () => {
      const env = process.env;
      if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
        return {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          sessionToken: env.AWS_SESSION_TOKEN || undefined,
        };
      throw new CredentialsProviderError("Could not load credentials: set the credentials option or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    };
  },
  async createHandler(options) {
    const { NodeHttpHandler } = await import("@smithy/node-http-handler");
    return new NodeHttpHandler(options as any) as any;
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
