import { RequestSigner } from "../signer.js";
import { WebSha256 } from "./web-sha256.js";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import type { Runtime } from "./types.js";
import { CredentialsProviderError } from "../errors.js";

export const runtime: Runtime = {
  platform: "browser",
  loadDefaults: async () => ({}),
  defaultCredentials: () => () =>
    Promise.reject(
      new CredentialsProviderError(
        "Credentials are missing: browsers have no default credentials, so pass the credentials option (for example from Amazon Cognito)",
      ),
    ),
  createHandler: (options) => new FetchHttpHandler(options as any) as any,
  // fetch takes a DOM AbortSignal and nothing else
  attemptSignal: () => {
    const controller = new AbortController();
    return [controller.signal, (reason) => controller.abort(reason)];
  },
  loadSigner: async () => RequestSigner,
  // crypto.randomUUID exists in secure contexts only; getRandomValues everywhere
  uuid: () =>
    crypto.randomUUID?.() ??
    "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) => (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16)),
  sha256: WebSha256,
  // fetch gives a ReadableStream (or a Blob); Response reads either (streamCollector would bring @smithy/core/serde's entry module)
  collectBody: async (body) =>
    body == null ? new Uint8Array(0) : body instanceof Uint8Array ? body : new Uint8Array(await new Response(body as BodyInit).arrayBuffer()),
  userAgent: () => {
    const nav = (globalThis as { navigator?: { userAgent?: string } }).navigator;
    return `os/other lang/js md/browser#${(nav?.userAgent ?? "unknown").replace(/[^\w.#-]+/g, "_").slice(0, 60)}`;
  },
  sendsUserAgentHeader: false,
  // a failed fetch's NetworkError names the likely causes (the text is in failure.ts, loaded on failures only)
  fetchFailureHint: true,
  failure: () => load(import("../failure.js"), "error handling"),
  // logging comes with the failure handling module (one chunk; loggers are rare in browsers)
  log: () => load(import("../failure.js"), "logging"),
  adaptive: () => load(import("../retry/adaptive.js"), "adaptive retry"),
};

/** A lazy chunk, or a clear error naming what could not be loaded (a chunk the server no longer has, a network failure). */
const load = <T>(chunk: Promise<T>, what: string): Promise<T> =>
  chunk.catch((e) => {
    throw new Error(`CodePipelineClient: could not load its ${what} code: ${e?.message ?? e}`, { cause: e });
  });

/** Browsers trace only when asked, through `codepipeline-client/otel`; the build drops the call. */
export const addTracing: typeof import("./node.js").addTracing = undefined;
export const autoTracing: typeof import("./node.js").autoTracing = undefined;
