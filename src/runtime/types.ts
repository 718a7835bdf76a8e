import type { AwsCredentialIdentityProvider, ChecksumConstructor, HashConstructor, Logger } from "@smithy/types";
import type { RequestSigner } from "../signer.js";
import type { CodePipelineClientConfig, HttpHandler } from "../config.js";

/** Settings read from the environment and shared config files (Node only). */
export interface EnvDefaults {
  region?: string;
  endpointUrl?: string;
  useFipsEndpoint?: boolean;
  useDualstackEndpoint?: boolean;
  maxAttempts?: number;
  retryMode?: string;
  userAgentAppId?: string;
  /** The "Region is missing" message, naming the places the runtime looked. */
  regionHint?: string;
}

/** Names of the settings `loadDefaults` can look up. */
export type EnvKey = Exclude<keyof EnvDefaults, "regionHint">;

/** What differs between Node and browsers. Chosen at build time by package.json conditions. */
export interface Runtime {
  platform: "node" | "browser";
  /**
   * Reads defaults from the environment and the profile (`config.profile`); nothing in browsers.
   * Settings that `config` gives are not looked up.
   */
  loadDefaults(config: CodePipelineClientConfig, logger: Logger): Promise<EnvDefaults>;
  /**
   * The default credential chain, loaded at its first call; in browsers a provider that fails with a clear error.
   * `region` is the client's Region, for the STS calls of role assumption.
   */
  defaultCredentials(
    profile: string | undefined,
    logger: Logger,
    region?: () => Promise<string | undefined>,
  ): AwsCredentialIdentityProvider;
  /**
   * The default HTTP handler for the client's `requestHandler` options. In Node it loads its modules and
   * creates its agents at the first request (and tries again there after a failure).
   */
  createHandler(options: Record<string, unknown>): HttpHandler;
  /**
   * The `abortSignal` for one attempt's handler, and what aborts it. Handlers get a DOM `AbortSignal`,
   * except those marked `PLAIN_SIGNAL` (the default Node handler), which get a v3-style signal object.
   */
  attemptSignal(handler: HttpHandler): [signal: object, abort: (reason: Error) => void];
  /** Loads the SigV4 signer class. */
  loadSigner(): Promise<typeof RequestSigner>;
  /** A random (version 4) UUID, for `amz-sdk-invocation-id`. */
  uuid(): string;
  /** Hash used for signing. */
  sha256: ChecksumConstructor | HashConstructor;
  /** Reads a response body into bytes. */
  collectBody(body: unknown): Promise<Uint8Array>;
  /** Platform part of the user agent, e.g. `os/linux#6.1 lang/js md/nodejs#20.20.2`. */
  userAgent(): string;
  /** Node adds `user-agent`; browsers only `x-amz-user-agent`. */
  sendsUserAgentHeader: boolean;
  /**
   * True where the `NetworkError` of a request that failed with a `TypeError` before any response (a failed
   * `fetch`) names the likely causes: browsers hide the cause from scripts. The text is in failure.ts.
   */
  fetchFailureHint?: boolean;
  /**
   * The modules only failures and loggers need (failure.ts, log.ts). Browsers load them when first
   * needed, in one chunk of their own when the app's bundler splits code (failure.ts re-exports
   * log.ts); Node has them at hand.
   */
  failure(): Promise<typeof import("../failure.js")>;
  /** The recursion detection middleware (Lambda's trace id); browsers, never inside Lambda, register a no-op under its name. */
  recursionDetection?: typeof import("../middleware/07-recursion-detection.js").recursionDetectionMiddleware;
  log(): Promise<typeof import("../log.js")>;
  /** The adaptive retry module (retry/adaptive.ts): browsers load it for `retryMode: "adaptive"`; Node has it at hand. */
  adaptive(): Promise<typeof import("../retry/adaptive.js")>;
}
