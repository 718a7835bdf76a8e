import { platform, release } from "node:os";
import { NodeSha256 } from "./node-sha256.js";
import type { Runtime } from "./types.js";
import { PLAIN_SIGNAL, type HttpHandler } from "../config.js";
import { loadNodeDefaults, nodeDefaultCredentials } from "./node-config.js";
import { addAutoTracing, autoTracing as findTracing } from "../tracing/auto.js";
import * as failure from "../failure.js";
import * as log from "../log.js";
import * as adaptive from "../retry/adaptive.js";
import { recursionDetectionMiddleware } from "../middleware/07-recursion-detection.js";

const noop = () => {};

/**
 * The OS release for the user agent. Deno, without `--allow-sys`, throws NotCapable from
 * `os.release()`; the user agent then names the platform alone rather than failing every call.
 */
function osRelease(): string {
  try {
    return `#${release()}`;
  } catch {
    return "";
  }
}

export const runtime: Runtime = {
  platform: "node",
  loadDefaults: loadNodeDefaults,
  defaultCredentials: nodeDefaultCredentials,
  createHandler(options) {
    let loading: Promise<HttpHandler> | undefined;
    let ready: HttpHandler | undefined;
    const load = () =>
      (loading ??= import("./node-http.js")
        .then((m) => m.createNodeHandler(options))
        .then(
          (h) => (ready = h),
          (e) => {
            loading = undefined;
            throw e;
          },
        ));
    return {
      handle: (request, handlerOptions) => (ready ? ready.handle(request, handlerOptions) : load().then((h) => h.handle(request, handlerOptions))),
      destroy: () => void loading?.then((h) => h.destroy?.(), noop),
      httpHandlerConfigs: () => options,
      // the default handler wraps NodeHttpHandler, which takes v3-style signal objects
      [PLAIN_SIGNAL]: true,
    } as HttpHandler;
  },
  attemptSignal(handler) {
    if (!(handler as { [PLAIN_SIGNAL]?: boolean })[PLAIN_SIGNAL]) {
      const controller = new AbortController();
      return [controller.signal, (reason) => controller.abort(reason)];
    }
    const signal: { aborted: boolean; reason?: unknown; onabort: ((ev: unknown) => void) | null } = { aborted: false, onabort: null };
    return [
      signal,
      (reason) => {
        signal.aborted = true;
        signal.reason = reason;
        signal.onabort?.(signal);
      },
    ];
  },
  async loadSigner() {
    return (await import("./node-signer.js")).NodeRequestSigner;
  },
  uuid: () => crypto.randomUUID(),
  sha256: NodeSha256,
  async collectBody(body) {
    if (body == null) return new Uint8Array(0);
    if (body instanceof Uint8Array) return body;
    if (typeof body === "string") return Buffer.from(body);
    const stream = body as NodeJS.ReadableStream;
    const chunks: Buffer[] = [];
    const add = (chunk: Buffer | string) => chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    if (typeof stream.on !== "function") {
      for await (const chunk of body as AsyncIterable<Buffer | string>) add(chunk);
      return Buffer.concat(chunks);
    }
    // A response that came in whole with its headers (most do) is buffered already: read it at once, without
    // flowing mode and its events. The stream then ends by itself; waiting for that lets node:http free the
    // socket before the next call asks for one. The body is all here, so a stream closed without its end
    // (destroyed by an abort in between) still gives it.
    const res = stream as NodeJS.ReadableStream & { complete?: boolean; readableLength?: number; readableFlowing?: boolean | null };
    if (res.complete && res.readableLength && res.readableFlowing === null) {
      add(res.read() as Buffer | string);
      if (!res.readableLength)
        return new Promise((resolve) => {
          const done = () => resolve(chunks[0]!);
          res.once("end", done);
          res.once("close", done);
        });
    }
    // Plain events: cheaper than an async iterator on every response.
    return new Promise<Uint8Array>((resolve, reject) => {
      stream.on("data", add);
      stream.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      stream.once("error", reject);
      stream.once("aborted", () => reject(Object.assign(new Error("The response was cut off before its end"), { code: "ECONNRESET" })));
    });
  },
  userAgent: () => `os/${platform()}${osRelease()} lang/js md/nodejs#${process.versions.node}`,
  sendsUserAgentHeader: true,
  failure: async () => failure,
  log: async () => log,
  adaptive: async () => adaptive,
  recursionDetection: recursionDetectionMiddleware,
};

/** Adds the middleware that trace calls once an OpenTelemetry provider is registered (see `tracing/auto.ts`). */
export const addTracing: typeof addAutoTracing | undefined = addAutoTracing;

/** The tracing the workflow helpers use when their client has none of its own: found as calls find it. */
export const autoTracing: typeof findTracing | undefined = findTracing;
