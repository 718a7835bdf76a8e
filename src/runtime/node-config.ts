// Node-only: settings from the environment and the shared config files, and the default
// credential chain. The ini loader and the credential chain are imported on first use only.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from "@smithy/types";
import type { EnvDefaults, EnvKey } from "./types.js";
import { ConfigurationError, CredentialsProviderError } from "../errors.js";
import { NO_LOGGER, type CodePipelineClientConfig } from "../config.js";
import { ENDPOINT_URL_ENV, SERVICES_KEY } from "../generated/service.js";

type Ini = Record<string, Record<string, string | undefined> | undefined>;
type Parse = (raw: string, where: string) => unknown;

const text: Parse = (raw) => raw;

const bool: Parse = (raw, where) => {
  const v = raw.trim().toLowerCase();
  if (v === "true" || v === "false") return v === "true";
  throw new ConfigurationError(`${where} must be "true" or "false", got ${quote(raw)}`);
};

const attempts: Parse = (raw, where) => {
  const n = Number(raw.trim());
  if (/^\s*\d+\s*$/.test(raw) && n >= 1) return n;
  throw new ConfigurationError(`${where} must be a whole number of at least 1 (total attempts per call), got ${quote(raw)}`);
};

const retryMode: Parse = (raw, where) => {
  const v = raw.trim().toLowerCase();
  if (v === "standard" || v === "adaptive") return v;
  // Other AWS SDKs also know "legacy"; like the official JavaScript SDK, it means standard here.
  if (v === "legacy") return "standard";
  throw new ConfigurationError(`${where} must be "standard" or "adaptive", got ${quote(raw)}`);
};

const url: Parse = (raw, where) => {
  try {
    if (/^https?:$/.test(new URL(raw).protocol)) return raw;
  } catch {}
  throw new ConfigurationError(`${where} must be an http(s) URL such as "http://localhost:4566", got ${quote(raw)}`);
};

const quote = (s: string) => JSON.stringify(s.length > 60 ? s.slice(0, 60) + "…" : s);

/** Environment variables (first set wins) and profile key of each setting. */
const SETTINGS: Record<EnvKey, [env: string[], ini: string, parse: Parse]> = {
  region: [["AWS_REGION"], "region", text],
  endpointUrl: [[ENDPOINT_URL_ENV, "AWS_ENDPOINT_URL"], "endpoint_url", url],
  useFipsEndpoint: [["AWS_USE_FIPS_ENDPOINT"], "use_fips_endpoint", bool],
  useDualstackEndpoint: [["AWS_USE_DUALSTACK_ENDPOINT"], "use_dualstack_endpoint", bool],
  maxAttempts: [["AWS_MAX_ATTEMPTS"], "max_attempts", attempts],
  retryMode: [["AWS_RETRY_MODE"], "retry_mode", retryMode],
  userAgentAppId: [["AWS_SDK_UA_APP_ID"], "sdk_ua_app_id", text],
};

const IGNORE_ENV = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
const IGNORE_INI = "ignore_configured_endpoint_urls";

/** An environment variable, with "" read as unset. */
const envVar = (name: string): string | undefined => process.env[name] || undefined;

/** The profile in use: the `profile` option, then AWS_PROFILE, then "default". */
export const profileName = (profile: string | undefined): string => profile || envVar("AWS_PROFILE") || "default";

/** The shared files, as named in messages (never the home directory itself). */
const configPath = () => envVar("AWS_CONFIG_FILE") ?? "~/.aws/config";
const credentialsPath = () => envVar("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials";

/** Reads both shared files (cached by the loader, like the official SDK). Missing files read as empty. */
async function loadFiles(): Promise<{ configFile: Ini; credentialsFile: Ini }> {
  const { loadSharedConfigFiles } = await import("@smithy/shared-ini-file-loader");
  return (await loadSharedConfigFiles()) as { configFile: Ini; credentialsFile: Ini };
}

/**
 * Looks up the settings the config does not give: the environment first, then the profile of the
 * shared config files (which are read only when the environment leaves something unanswered).
 * Invalid values throw a ConfigurationError naming the variable or the profile key.
 */
export async function loadNodeDefaults(config: CodePipelineClientConfig, logger: Logger): Promise<EnvDefaults> {
  const { profile } = config;
  // Settings the config gives are never looked up.
  const given: Record<EnvKey, unknown> = {
    region: config.region,
    endpointUrl: config.endpoint ?? (config.ignoreConfiguredEndpointUrls || undefined),
    useFipsEndpoint: config.useFipsEndpoint,
    useDualstackEndpoint: config.useDualstackEndpoint,
    maxAttempts: config.maxAttempts,
    retryMode: config.retryMode,
    userAgentAppId: config.userAgentAppId,
  };
  const skip = (Object.keys(given) as EnvKey[]).filter((k) => given[k] !== undefined);
  const out: Record<string, unknown> = {};
  const fromFiles: EnvKey[] = [];
  // Endpoint URLs from the environment and the profile count only when not ignored, which the
  // environment or the profile can say.
  const ignoreEnv = envVar(IGNORE_ENV);
  const ignore = ignoreEnv === undefined ? undefined : (bool(ignoreEnv, IGNORE_ENV) as boolean);
  for (const key of Object.keys(SETTINGS) as EnvKey[]) {
    if (skip.includes(key) || (key === "endpointUrl" && ignore)) continue;
    const [names, , parse] = SETTINGS[key];
    const name = names.find((n) => envVar(n) !== undefined);
    // an endpoint URL from the environment waits until the profile says whether to ignore it
    const wait = key === "endpointUrl" && ignore === undefined;
    if (name !== undefined && !wait) out[key] = parse(envVar(name)!, name);
    if (name === undefined || wait) fromFiles.push(key);
  }
  if (fromFiles.length) {
    const used = profileName(profile);
    const { configFile, credentialsFile } = await loadFiles();
    const fromConfig = configFile[used] ?? {};
    const fromCredentials = credentialsFile[used] ?? {};
    // As in the official SDK: the credentials file wins for region, the config file for the rest.
    const read = (iniKey: string, credentialsFirst = false): [string, string] | undefined => {
      const order: [Record<string, string | undefined>, string][] = [
        [fromConfig, configPath()],
        [fromCredentials, credentialsPath()],
      ];
      if (credentialsFirst) order.reverse();
      for (const [section, path] of order)
        if (section[iniKey]) return [section[iniKey]!, `${iniKey} in profile "${used}" of ${path}`];
      return undefined;
    };
    const ignoreIni = read(IGNORE_INI);
    const ignored = ignore ?? (ignoreIni ? (bool(...ignoreIni) as boolean) : false);
    for (const key of fromFiles) {
      if (key === "endpointUrl") {
        if (ignored) continue;
        const name = SETTINGS.endpointUrl[0].find((n) => envVar(n) !== undefined);
        const found: [string, string] | undefined = name
          ? [envVar(name)!, name]
          : (servicesEndpoint(configFile, fromConfig, used) ?? read("endpoint_url"));
        if (found) out.endpointUrl = url(...found);
        continue;
      }
      const [, iniKey, parse] = SETTINGS[key];
      const found = read(iniKey, key === "region");
      if (found) out[key] = parse(...found);
    }
    logger.debug?.(`codepipeline-client: read profile "${used}" for ${fromFiles.join(", ")}`);
  }
  if (!skip.includes("region") && out.region === undefined) {
    out.region = await imdsRegion(logger);
    if (out.region === undefined) out.regionHint = regionHint(profile);
  }
  return out as EnvDefaults;
}

/** After IMDS gave no region, it is not asked again for a minute (as in the official SDK). */
let imdsQuietUntil = 0;

/**
 * The instance's region from the EC2 instance metadata service (IMDSv2), the last place the official
 * SDK looks. Skipped when AWS_EC2_METADATA_DISABLED is set; each request may take one second.
 */
async function imdsRegion(logger: Logger): Promise<string | undefined> {
  const off = envVar("AWS_EC2_METADATA_DISABLED");
  if ((off && off.toLowerCase() !== "false") || Date.now() < imdsQuietUntil) return undefined;
  const base = new URL(
    envVar("AWS_EC2_METADATA_SERVICE_ENDPOINT") ??
      (envVar("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")?.toLowerCase() === "ipv6" ? "http://[fd00:ec2::254]" : "http://169.254.169.254"),
  );
  const { request } = await import("node:http");
  const call = (method: string, path: string, headers: Record<string, string>) =>
    new Promise<string>((resolve, reject) => {
      const req = request(
        { hostname: base.hostname.replace(/^\[(.+)\]$/, "$1"), port: base.port, path, method, headers, signal: AbortSignal.timeout(1000) },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => (res.statusCode! >= 200 && res.statusCode! < 300 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    });
  try {
    const token = await call("PUT", "/latest/api/token", { "x-aws-ec2-metadata-token-ttl-seconds": "21600" });
    const region = (await call("GET", "/latest/meta-data/placement/region", { "x-aws-ec2-metadata-token": token })).trim();
    if (region) {
      logger.debug?.(`codepipeline-client: region ${region} from the instance metadata service`);
      return region;
    }
  } catch (e) {
    logger.debug?.(`codepipeline-client: no region from the instance metadata service: ${(e as Error).message}`);
  }
  imdsQuietUntil = Date.now() + 60_000;
  return undefined;
}

/** `endpoint_url` of this service in the `[services name]` section the profile points to. */
function servicesEndpoint(configFile: Ini, profile: Record<string, string | undefined>, used: string): [string, string] | undefined {
  const name = profile.services;
  if (!name) return undefined;
  const section = configFile[`services.${name}`];
  if (!section)
    throw new ConfigurationError(
      `Profile "${used}" names services section "${name}", but ${configPath()} has no [services ${name}] section`,
    );
  const value = section[`${SERVICES_KEY}.endpoint_url`];
  return value ? [value, `${SERVICES_KEY} endpoint_url in [services ${name}] of ${configPath()}`] : undefined;
}

function regionHint(profile: string | undefined): string {
  const legacy = envVar("AWS_DEFAULT_REGION")
    ? " (AWS_DEFAULT_REGION is set, but like the official JavaScript SDK this client reads AWS_REGION)"
    : "";
  return (
    `Region is missing: set the region option (new CodePipelineClient({ region: "us-east-1" })), ` +
    `the AWS_REGION environment variable${legacy}, or region in profile "${profileName(profile)}" of ${configPath()}` +
    (imdsQuietUntil > Date.now() ? " (the EC2 instance metadata service gave none either)" : "")
  );
}

/** What the official chain logs as it reaches each source, and how we name the source. */
const SOURCES: [marker: string, label: (profile: string) => string][] = [
  ["defaultProvider::fromEnv", () => "environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)"],
  [
    "defaultProvider::fromIni",
    (p) => `shared ini profile "${p}" with keys, SSO or a role to assume (${credentialsPath()}, ${configPath()})`,
  ],
  ["defaultProvider::fromProcess", (p) => `credential_process of profile "${p}"`],
  ["defaultProvider::fromTokenFile", () => "web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)"],
  [
    "remoteProvider::fromHttp",
    () => "container credentials endpoint of ECS or EKS (AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)",
  ],
  ["remoteProvider::fromInstanceMetadata", () => "EC2 instance metadata service (IMDS)"],
];

const ALL_FAILED = "Could not load credentials from any providers";

/**
 * The default credential chain of the official SDK (`@aws-sdk/credential-provider-node`), imported
 * the first time credentials are needed. Its failures become a CredentialsProviderError that lists
 * the sources tried and how to fix it; the chain's own error is kept as `cause`.
 */
export function nodeDefaultCredentials(
  profile: string | undefined,
  logger: Logger,
  region?: () => Promise<string | undefined>,
): AwsCredentialIdentityProvider {
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  let reached: string[] = [];
  // Notes which sources the chain reaches, from its debug lines, and passes everything on.
  const chainLogger: Logger = {
    trace: (...a: unknown[]) => logger.trace?.(...a),
    debug: (...a: unknown[]) => {
      if (typeof a[0] === "string") reached.push(a[0]);
      logger.debug?.(...a);
    },
    info: (...a: unknown[]) => logger.info?.(...a),
    // Without a logger of the user's, warnings go to the console, as in the official SDK.
    warn: (...a: unknown[]) => (logger === NO_LOGGER ? console.warn(...a) : logger.warn?.(...a)),
    error: (...a: unknown[]) => logger.error?.(...a),
  };
  return async (options?: Record<string, unknown>): Promise<AwsCredentialIdentity> => {
    reached = [];
    try {
      chain ??= import("@aws-sdk/credential-provider-node").then(
        ({ defaultProvider }) =>
          defaultProvider({
            profile,
            logger: chainLogger,
            parentClientConfig: { region: async () => region?.().catch(() => undefined), profile, logger },
          } as Parameters<typeof defaultProvider>[0]),
        (e) => {
          chain = undefined;
          throw e;
        },
      );
      return await (await chain)(options);
    } catch (error) {
      throw await chainError(error, reached, profile);
    }
  };
}

async function chainError(error: unknown, reached: string[], profile: string | undefined): Promise<CredentialsProviderError> {
  const used = profileName(profile);
  const tried = SOURCES.filter(([marker]) => reached.some((line) => line.includes(marker))).map(([, label]) => label(used));
  if (!reached.some((l) => l.includes("defaultProvider::fromEnv")) && envVar("AWS_PROFILE"))
    tried.unshift("environment variables (skipped: AWS_PROFILE is set)");
  if (reached.some((l) => l.includes("defaultProvider::remoteProvider")) && !reached.some((l) => l.includes("remoteProvider::from")))
    tried.push("EC2 instance metadata service (skipped: AWS_EC2_METADATA_DISABLED is set)");
  const all = (error as Error | undefined)?.message === ALL_FAILED;
  let message = all
    ? "Could not load credentials from any source."
    : `Could not load credentials: the chain stopped at ${tried.at(-1) ?? "its first source"}, which failed (see cause).`;
  if (tried.length) message += ` Tried, in order: ${tried.join("; ")}.`;
  if (profile || envVar("AWS_PROFILE")) {
    const known = await loadFiles().then(
      ({ configFile, credentialsFile }) => used in configFile || used in credentialsFile,
      () => true,
    );
    if (!known) message += ` Profile "${used}" is in neither ${configPath()} nor ${credentialsPath()}.`;
  }
  message +=
    " To fix: pass the credentials option to the client, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY," +
    " or choose a profile that has credentials with the profile option or AWS_PROFILE" +
    " (for an SSO profile, sign in again with `aws sso login`).";
  return new CredentialsProviderError(message, { cause: error });
}
