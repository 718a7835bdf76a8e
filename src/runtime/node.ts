import { platform, release } from "node:os";
import { NodeSha256 } from "./node-sha256.js";
import type { Runtime } from "./types.js";
import { loadNodeDefaults, nodeDefaultCredentials } from "./node-config.js";

export const runtime: Runtime = {
  platform: "node",
  loadDefaults: loadNodeDefaults,
  defaultCredentials: nodeDefaultCredentials,
  async createHandler(options) {
    const { createNodeHandler } = await import("./node-http.js");
    return createNodeHandler(options);
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
