import type { Endpoint, EndpointV2, Logger, Provider, RetryStrategyV2 } from "@smithy/types";
import type { RequestSigner } from "./signer.js";
import { type CodePipelineClientConfig, type CodePipelineExtensionConfiguration, type HttpHandler, type ResolvedConfig, type SendOptions, NO_LOGGER, toProvider, DEFAULT_CONNECTION_TIMEOUT, DEFAULT_REQUEST_TIMEOUT } from "./config.js";
import { runtime } from "./runtime.js";
import type { EnvDefaults } from "./runtime/types.js";
import { PROVIDER_TIMEOUT_MS, memoizeCredentials, withTimeout } from "./credentials.js";
import { ConfigurationError } from "./errors.js";
import { normalizeRegion, resolveDefaultEndpoint } from "./region.js";
import { createRetryStrategy } from "./retry/mode.js";
import { DEFAULT_MAX_ATTEMPTS } from "./retry/strategy.js";
import { VERSION } from "./version.js";
import { API_VERSION, SERVICE_ID, SIGNING_NAME } from "./generated/service.js";

/** What a call needs from the client, worked out once at the first call. */
export interface Settings {
  endpoint: EndpointV2;
  signer: RequestSigner;
  retryStrategy: RetryStrategyV2;
  maxAttempts: number;
  /**
   * Milliseconds one attempt of a call with these options may take; 0: no limit. A promise only for the
   * first attempt after the handler's configuration changed. See `requestTimeoutOf`.
   */
  attemptTimeout: (options: SendOptions | undefined) => number | Promise<number>;
  /** `user-agent` header value, when the platform sends one. */
  userAgent?: string;
  xAmzUserAgent: string;
}

/** Runs `f` once and shares its promise; a failure is forgotten, so the next call tries again. `v` holds the value once there is one. */
const memo = <T>(f: () => Promise<T>): { (): Promise<T>; v?: T } => {
  let p: Promise<T> | undefined;
  const get: { (): Promise<T>; v?: T } = () =>
    (p ??= f().then(
      (v) => (get.v = v),
      (e) => {
        p = undefined;
        throw e;
      },
    ));
  return get;
};

/**
 * Fills in the config synchronously, without touching the environment, files,
 * the network or heavy modules: those wait for the first call.
 */
export function resolveConfig(input: CodePipelineClientConfig): ResolvedConfig {
  const logger = input.logger ?? NO_LOGGER;
  // Node looks up what the config leaves open in the environment and the profile.
  const env = memo(() => runtime.loadDefaults(input, logger));
  const fromEnv = <K extends keyof EnvDefaults, T extends NonNullable<EnvDefaults[K]>>(key: K, given: T | Provider<T> | undefined, fallback: T): Provider<T> =>
    given !== undefined ? toProvider(given) : async () => ((await env())[key] as T | undefined) ?? fallback;
  if (input.region === "") throw new ConfigurationError(regionMissing);
  if (input.providerTimeout !== undefined && ms(input.providerTimeout) === undefined)
    throw new ConfigurationError(`providerTimeout must be a number of ms, 0 or more (0: no limit), got ${String(input.providerTimeout)}`);
  // The region as configured, which may be a FIPS pseudo-region such as "fips-us-east-1".
  const rawRegion = async (): Promise<string> => {
    // the environment is not looked up for a setting the config gives, so it can be asked in any case
    const r = (await bounded(toProvider(input.region)(), "region", config)) || (await env()).region;
    // the runtime's hint names where it looked (it does not look when the config gives a region)
    if (!r) throw new ConfigurationError((await env()).regionHint || regionMissing);
    return r;
  };
  const fips = fromEnv("useFipsEndpoint", input.useFipsEndpoint, false);
  const config: ResolvedConfig = {
    ...input,
    apiVersion: API_VERSION,
    serviceId: SERVICE_ID,
    logger,
    systemClockOffset: input.systemClockOffset ?? 0,
    // As in v3: `region()` gives the real region, and a FIPS pseudo-region turns FIPS on.
    region: async () => normalizeRegion(await rawRegion()).region,
    useFipsEndpoint: async () => normalizeRegion(await rawRegion()).useFips || (await fips()),
    credentials: memoizeCredentials(
      input.credentials ??
        input.credentialDefaultProvider?.(input) ??
        runtime.defaultCredentials(input.profile, logger, () => config.region()),
      providerTimeoutOf(input),
    ),
    useDualstackEndpoint: fromEnv("useDualstackEndpoint", input.useDualstackEndpoint, false),
    maxAttempts: fromEnv("maxAttempts", input.maxAttempts, DEFAULT_MAX_ATTEMPTS),
    retryMode: fromEnv("retryMode", input.retryMode, "standard"),
    requestHandler: isHandler(input.requestHandler)
      ? input.requestHandler
      : runtime.createHandler({
          ...input.requestHandler,
          // as for requestTimeout, the client's value wins over the handler options'
          connectionTimeout:
            input.connectionTimeout ??
            (input.requestHandler as { connectionTimeout?: number } | undefined)?.connectionTimeout ??
            DEFAULT_CONNECTION_TIMEOUT,
        }),
  };
  for (const ext of input.extensions ?? []) ext.configure(config as unknown as CodePipelineExtensionConfiguration);
  loaders.set(config, memo(() => loadSettings(config, env)));
  return config;
}

const providerTimeoutOf = (config: Pick<CodePipelineClientConfig, "providerTimeout">): number => config.providerTimeout ?? PROVIDER_TIMEOUT_MS;

/** A provider of the config's that never settles fails the calls waiting on it after `providerTimeout` ms. */
const bounded = <T>(p: Promise<T>, option: string, config: ResolvedConfig): Promise<T> => {
  const ms = providerTimeoutOf(config);
  return withTimeout(p, ms, () => new ConfigurationError(`The ${option} provider did not answer within ${ms} ms (providerTimeout)`));
};

const regionMissing = 'Region is missing: set the region option, e.g. new CodePipelineClient({ region: "us-east-1" })';

/** Each resolved config's settings loader (kept off the config object, which users see and spread). */
const loaders = new WeakMap<ResolvedConfig, { (): Promise<Settings>; v?: Settings }>();

const slot = (config: ResolvedConfig) => loaders.get(config)!;

/** The settings of a resolved config, loaded at the first call and reused. */
export const getSettings = (config: ResolvedConfig): Promise<Settings> => slot(config)();

/**
 * The settings at once when they are loaded, else a promise of them: after the first call,
 * middleware read them without an await.
 */
export const settingsOf = (config: ResolvedConfig): Settings | Promise<Settings> => slot(config).v ?? slot(config)();

/**
 * Calls `f` with the client's settings: synchronously once they are loaded (every call after
 * the first), so middleware that only read them add no promise to the call.
 */
export const withSettings = <T>(config: ResolvedConfig, f: (s: Settings) => Promise<T>): Promise<T> => {
  const load = slot(config);
  return load.v ? f(load.v) : load().then(f);
};

const isHandler = (h: unknown): h is HttpHandler => typeof (h as HttpHandler | undefined)?.handle === "function";

/** A timeout setting when it is one: a number of milliseconds, 0 or more. */
const ms = (t: unknown): number | undefined => (typeof t === "number" && t >= 0 ? t : undefined);

/**
 * The per-attempt timeout, resolved here and nowhere else: the call's `requestTimeout`, else the
 * client's, else the handler's (the `requestHandler` options, or a handler instance's configuration,
 * read at each call so that `updateHttpClientConfig` applies), else 30 s. `NodeHttpHandler` and
 * `FetchHttpHandler` report their configuration only once a request has started, and forget it at
 * `updateHttpClientConfig`, which replaces their `configProvider`: until they report it again, the
 * value in their latest `configProvider` stands for it (read once per provider, so only the first
 * attempt after a change waits for it; `updateHttpClientConfig` chains the new provider on the old,
 * so reads end in order).
 */
function requestTimeoutOf(config: ResolvedConfig): Settings["attemptTimeout"] {
  const handler = config.requestHandler as (HttpHandler & { configProvider?: Promise<{ requestTimeout?: unknown }> }) | undefined;
  // the provider last read, and the timeout it gives (a promise while it is read)
  let seen: unknown;
  let provided: number | Promise<number> = DEFAULT_REQUEST_TIMEOUT;
  return (options) =>
    ms(options?.requestTimeout) ??
    ms(config.requestTimeout) ??
    ms((handler?.httpHandlerConfigs?.() as { requestTimeout?: unknown } | undefined)?.requestTimeout) ??
    (seen === handler?.configProvider
      ? provided
      : (provided = Promise.resolve((seen = handler!.configProvider))
          .catch(() => {})
          .then((c) => (provided = ms(c?.requestTimeout) ?? DEFAULT_REQUEST_TIMEOUT))));
}

async function loadSettings(config: ResolvedConfig, env: () => Promise<EnvDefaults>): Promise<Settings> {
  // region() is the real region, and useFipsEndpoint() is on for a FIPS pseudo-region
  const [region, UseFIPS, useDualstack, maxAttempts, retryMode, defaults, Signer] = await Promise.all([
    config.region(),
    config.useFipsEndpoint(),
    config.useDualstackEndpoint(),
    config.maxAttempts(),
    config.retryMode(),
    env(),
    runtime.loadSigner(),
  ]);
  const custom = (await bounded(toProvider(config.endpoint)(), "endpoint", config)) ?? defaults.endpointUrl;
  const Endpoint = custom === undefined ? undefined : endpointToString(custom);
  const params = { Region: region, UseFIPS, UseDualStack: useDualstack, Endpoint };
  const endpoint = config.endpointProvider ? config.endpointProvider(params, { logger: config.logger }) : await resolveDefaultEndpoint(params);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new ConfigurationError(`maxAttempts must be a whole number of at least 1, got ${String(maxAttempts)}`);
  const appId = (await toProvider(config.userAgentAppId)()) ?? defaults.userAgentAppId;
  const ua = await userAgent(config, retryMode, appId);
  return {
    endpoint,
    maxAttempts,
    attemptTimeout: requestTimeoutOf(config),
    retryStrategy: config.retryStrategy ?? (await createRetryStrategy(retryMode, maxAttempts)),
    // with the signer's defaults, as v3 signs: the path URI-escaped, the payload hash in x-amz-content-sha256
    signer: new Signer({
      credentials: config.credentials,
      region: config.signingRegion ?? region,
      service: SIGNING_NAME,
      sha256: config.sha256 ?? runtime.sha256,
    }),
    ...ua,
  };
}

const endpointToString = (e: string | URL | Endpoint | EndpointV2): string => {
  // a string as it is, a URL as its href
  if (typeof e !== "object" || e instanceof URL) return String(e);
  if ("url" in e) return String(e.url);
  const port = e.port ? `:${e.port}` : "";
  return `${e.protocol.replace(/:?$/, ":")}//${e.hostname}${port}${e.path ?? ""}`;
};

async function userAgent(config: ResolvedConfig, retryMode: string, appId: string | undefined): Promise<Pick<Settings, "userAgent" | "xAmzUserAgent">> {
  const custom = config.customUserAgent;
  // the escaping is loaded only for a client that adds to the user agent
  const [app, extra] = custom !== undefined || appId ? (await import("./user-agent.js")).customPairs(custom, appId) : ["", ""];
  const features = `m/${retryMode === "adaptive" ? "F" : "E"}${config.endpoint !== undefined ? ",N" : ""}`;
  const base = `codepipeline-client/${VERSION}`;
  // the SDK's own api pair, as uaPair spells it (a test compares them)
  const full = `${base} ua/2.1 ${runtime.userAgent()} api/${SERVICE_ID.toLowerCase()}#${VERSION} ${features}${app}${extra}`;
  return runtime.sendsUserAgentHeader ? { userAgent: full, xAmzUserAgent: base + extra } : { xAmzUserAgent: full };
}
