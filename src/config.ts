import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  ChecksumConstructor,
  Endpoint,
  EndpointV2,
  HashConstructor,
  HttpHandlerOptions,
  Logger,
  Provider,
  RequestHandler,
  RequestHandlerParams,
  RetryStrategyV2,
  UserAgent,
} from "@smithy/types";
import type { HttpResponse } from "@smithy/types";
import type { EndpointParameters } from "./endpoints.js";

/** Options for one call: `client.send(command, options)`. */
export interface SendOptions extends HttpHandlerOptions {
  /** Milliseconds one attempt may take before it fails with a retryable `TimeoutError`. */
  requestTimeout?: number;
  /**
   * Milliseconds the whole call may take, every attempt, backoff and credential lookup included;
   * past it the call fails with a `TimeoutError`. Overrides the client's `operationTimeout`.
   */
  operationTimeout?: number;
}

/** Node-style callback of `send(command, cb)` and the aggregated methods. */
export type Callback<T> = (err: any, data?: T) => void;

/**
 * Any v3-compatible HTTP handler. The request type is left open, as in v3's config type, so that handlers
 * typed with `@smithy/core`'s `HttpRequest` class (such as `NodeHttpHandler`) are accepted.
 */
export type HttpHandler = RequestHandler<any, HttpResponse, HttpHandlerOptions> & {
  /** Closes the handler's open connections; called by the client's `destroy()`. */
  destroy?: () => void;
  /** Changes one setting of the handler after construction, as v3 handlers allow. */
  updateHttpClientConfig?: (key: never, value: never) => void;
  /** Returns the handler's current settings. */
  httpHandlerConfigs?: () => object;
};

/** How failed attempts are retried: `"standard"` (the default) or `"adaptive"`, which also rate-limits sends after throttling. */
export type RetryMode = "standard" | "adaptive";

/** Options of `new CodePipelineClient(config)`. Every one is optional. */
export interface CodePipelineClientConfig {
  /** AWS Region, e.g. `eu-west-1`. In Node, falls back to `AWS_REGION` and then the profile's `region`. */
  region?: string | Provider<string>;
  /** Credentials or an async provider of them. In Node, falls back to the default credential chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /**
   * Builds the credentials provider used when `credentials` is not given, in place of the
   * default chain (as in v3); it receives the client config.
   */
  credentialDefaultProvider?: (input: any) => AwsCredentialIdentityProvider;
  /** Custom endpoint, e.g. `http://127.0.0.1:4566`. In Node, falls back to `AWS_ENDPOINT_URL_CODEPIPELINE`, `AWS_ENDPOINT_URL` and the profile's `endpoint_url`. */
  endpoint?: string | URL | Endpoint | EndpointV2 | Provider<string | URL | Endpoint | EndpointV2>;
  /** Node: do not read endpoint URLs from the environment or the shared config files. */
  ignoreConfiguredEndpointUrls?: boolean;
  /** Replaces the endpoint rules: given the endpoint parameters, returns the endpoint to call. */
  endpointProvider?: (params: EndpointParameters, context?: { logger?: Logger }) => EndpointV2;
  /** Use the FIPS endpoint. */
  useFipsEndpoint?: boolean | Provider<boolean>;
  /** Use the dual-stack (IPv4 and IPv6) endpoint. */
  useDualstackEndpoint?: boolean | Provider<boolean>;
  /** Named profile of the shared config files (Node). */
  profile?: string;
  /** Total attempts per call, the first included. Default 3. */
  maxAttempts?: number | Provider<number>;
  /** `standard` (default) or `adaptive` (adds client-side rate limiting). */
  retryMode?: RetryMode | Provider<RetryMode | string>;
  /** A retry strategy (v3 `RetryStrategyV2`); share one instance between clients to share one retry budget. */
  retryStrategy?: RetryStrategyV2;
  /** HTTP handler instance, or options for the default one. */
  requestHandler?: HttpHandler | RequestHandlerParams | Record<string, unknown>;
  /** Milliseconds one attempt may take, socket wait and connection included. Default 30 000. */
  requestTimeout?: number;
  /**
   * Milliseconds a whole call may take, every attempt, backoff and credential lookup included
   * (as the Rust SDK's operation timeout). Default: no limit beyond `requestTimeout` per attempt.
   */
  operationTimeout?: number;
  /** Milliseconds to establish a connection. Default 5 000. */
  connectionTimeout?: number;
  /**
   * Milliseconds a call waits for the credentials, region or endpoint provider before it fails
   * with an error naming the provider (`CredentialsProviderError` or `ConfigurationError`); the
   * lookup is not cached, so the next call asks again. Default 30 000; `0` waits without limit.
   */
  providerTimeout?: number;
  /** Receives one entry per call, with sensitive values redacted. */
  logger?: Logger;
  /** Appended to the user agent. */
  customUserAgent?: string | UserAgent;
  /** Application id for the user agent (at most 50 characters). */
  userAgentAppId?: string | Provider<string | undefined>;
  /** Milliseconds added to the local clock when signing. Updated from the service's `Date` header. */
  systemClockOffset?: number;
  /** Do not correct the clock offset from responses. */
  disableClockSkewCorrection?: boolean;
  /** Region used in signatures, when it differs from `region`. */
  signingRegion?: string;
  /** Hash constructor used to sign. */
  sha256?: ChecksumConstructor | HashConstructor;
  /** Use https for resolved endpoints (default true). */
  tls?: boolean;
  /** Accepted for v3 compatibility; has no effect. */
  cacheMiddleware?: boolean;
  /** Accepted for v3 compatibility; has no effect. */
  defaultsMode?: unknown;
  /** Functions that may change the resolved config; run once by the constructor. */
  extensions?: RuntimeExtension[];
}

/** Alias of {@link CodePipelineClientConfig}, under the name v3 exports. */
export type CodePipelineClientConfigType = CodePipelineClientConfig;

/** Changes the client's configuration at construction. */
export interface RuntimeExtension {
  /** Called once by the client constructor with the configuration, which it may change in place. */
  configure(config: CodePipelineExtensionConfiguration): void;
}

/** The configuration object a {@link RuntimeExtension} receives. */
export interface CodePipelineExtensionConfiguration {
  [key: string]: unknown;
}

/** The configuration after the constructor filled in the defaults. */
export interface ResolvedConfig
  extends Omit<
    CodePipelineClientConfig,
    "region" | "credentials" | "useFipsEndpoint" | "useDualstackEndpoint" | "maxAttempts" | "retryMode" | "requestHandler"
  > {
  /** Resolves the AWS Region requests are sent to. */
  region: Provider<string>;
  /** Resolves the credentials requests are signed with. */
  credentials: AwsCredentialIdentityProvider;
  /** Resolves whether the FIPS endpoint is used. */
  useFipsEndpoint: Provider<boolean>;
  /** Resolves whether the dual-stack (IPv4 and IPv6) endpoint is used. */
  useDualstackEndpoint: Provider<boolean>;
  /** Resolves the most attempts one call makes, the first included. */
  maxAttempts: Provider<number>;
  /** Resolves the retry mode, `"standard"` or `"adaptive"`. */
  retryMode: Provider<string>;
  /** The HTTP handler that sends each attempt. */
  requestHandler?: HttpHandler;
  /** Milliseconds added to the local clock when signing; 0 unless configured or corrected after a clock-skew error. */
  systemClockOffset: number;
  /** Where the client logs; a logger that drops everything unless one was given. */
  logger: Logger;
  /** The CodePipeline API version, `"2015-07-09"`. */
  apiVersion: string;
  /** The service id, `"CodePipeline"`. */
  serviceId: string;
}

/** Alias of `ResolvedConfig`, under the name v3 exports. */
export type CodePipelineClientResolvedConfig = ResolvedConfig;
/** Alias of `ResolvedConfig`, under the name v3 exports. */
export type CodePipelineClientResolvedConfigType = ResolvedConfig;

/** Turns a value or a provider into a provider. */
export const toProvider = <T>(v: T | Provider<T>): Provider<T> =>
  typeof v === "function" ? (v as Provider<T>) : () => Promise.resolve(v);

/** Default per-attempt request timeout (ms). */
export const DEFAULT_REQUEST_TIMEOUT = 30_000;
/** Default connection timeout (ms). */
export const DEFAULT_CONNECTION_TIMEOUT = 5_000;

/**
 * Set (true) on a handler that takes a v3-style signal object (`{ aborted, reason, onabort }`, the
 * shape `@smithy/abort-controller` makes) in `abortSignal`: the default Node handler. Such an object
 * costs next to nothing, where an `AbortController` and the listener a handler adds to its
 * `AbortSignal` cost several microseconds per attempt. Other handlers get an `AbortSignal`
 * (`fetch` accepts nothing else).
 */
export const PLAIN_SIGNAL = "plainAbortSignal";

const noop = () => {};
export const NO_LOGGER: Logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop };
