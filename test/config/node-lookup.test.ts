// Node lookups: config option, then environment variable, then the profile of the shared config
// files, then the default. Each test runs with a temporary HOME and no AWS_* variable.
import { describe, expect, it, vi } from "vitest";
import { CodePipelineClient, ConfigurationError, ListPipelinesCommand } from "../../src/index.js";
import type { CodePipelineClientConfig } from "../../src/config.js";
import { KEYS, recorder, useSandbox } from "./helpers.js";

// The real loader, wrapped to count how often the shared files are read.
vi.mock("@smithy/shared-ini-file-loader", async (importOriginal) => {
  const real = await importOriginal<typeof import("@smithy/shared-ini-file-loader")>();
  return { ...real, loadSharedConfigFiles: vi.fn(real.loadSharedConfigFiles) };
});
const { loadSharedConfigFiles } = await import("@smithy/shared-ini-file-loader");

const box = useSandbox();
const env = process.env;

async function send(config: CodePipelineClientConfig = {}) {
  const handler = recorder();
  const client = new CodePipelineClient({ credentials: KEYS, requestHandler: handler, ...config });
  await client.send(new ListPipelinesCommand({}));
  const h = handler.requests[0]!.headers;
  return { url: handler.url(), ua: h["user-agent"]!, sdkRequest: h["amz-sdk-request"], client };
}
const urlOf = async (config: CodePipelineClientConfig = {}) => (await send(config)).url;
const failure = (config: CodePipelineClientConfig = {}) => send(config).then(() => expect.fail("no error"), (e: Error) => e);
const regional = (region: string) => `https://codepipeline.${region}.amazonaws.com/`;

describe("region", () => {
  it("comes from AWS_REGION", async () => {
    env.AWS_REGION = "eu-north-1";
    expect(await urlOf()).toBe(regional("eu-north-1"));
  });

  it("from the region option before AWS_REGION", async () => {
    env.AWS_REGION = "eu-north-1";
    expect(await urlOf({ region: "sa-east-1" })).toBe(regional("sa-east-1"));
  });

  it("from the default profile of ~/.aws/config", async () => {
    box.write(".aws/config", "[default]\nregion = ap-northeast-1\n");
    expect(await urlOf()).toBe(regional("ap-northeast-1"));
  });

  it("from AWS_REGION before the profile", async () => {
    box.write(".aws/config", "[default]\nregion = ap-northeast-1\n");
    env.AWS_REGION = "eu-north-1";
    expect(await urlOf()).toBe(regional("eu-north-1"));
  });

  it("from the profile named by AWS_PROFILE, then by the profile option", async () => {
    box.write(".aws/config", "[default]\nregion = us-west-1\n[profile prod]\nregion = eu-west-3\n[profile dev]\nregion = ca-central-1\n");
    env.AWS_PROFILE = "prod";
    expect(await urlOf()).toBe(regional("eu-west-3"));
    expect(await urlOf({ profile: "dev" })).toBe(regional("ca-central-1"));
  });

  it("from the credentials file before the config file", async () => {
    box.write(".aws/config", "[default]\nregion = us-west-1\n");
    box.write(".aws/credentials", "[default]\nregion = us-west-2\n");
    expect(await urlOf()).toBe(regional("us-west-2"));
  });

  it("from the files named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE", async () => {
    box.write(".aws/config", "[default]\nregion = us-west-1\n");
    env.AWS_CONFIG_FILE = box.write("elsewhere/cfg", "[profile x]\nregion = eu-south-1\n");
    env.AWS_PROFILE = "x";
    expect(await urlOf()).toBe(regional("eu-south-1"));
    env.AWS_SHARED_CREDENTIALS_FILE = box.write("elsewhere/creds", "[x]\nregion = eu-south-2\n");
    env.AWS_PROFILE = "x"; // a new client reads again
    expect(await urlOf({ profile: "x" })).toBe(regional("eu-south-2"));
  });

  it("normalises a FIPS pseudo-region from the profile", async () => {
    box.write(".aws/config", "[default]\nregion = fips-us-east-2\n");
    expect(await urlOf()).toBe("https://codepipeline-fips.us-east-2.amazonaws.com/");
  });

  it("is not read from AWS_DEFAULT_REGION, and the error says so", async () => {
    env.AWS_DEFAULT_REGION = "eu-west-1";
    env.AWS_PROFILE = "ci";
    const err = await failure();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/^Region is missing: set the region option/);
    expect(err.message).toContain("AWS_REGION environment variable");
    expect(err.message).toContain("AWS_DEFAULT_REGION is set");
    expect(err.message).toContain('region in profile "ci" of ~/.aws/config');
  });

  it("names AWS_CONFIG_FILE's path in the error when it is set", async () => {
    env.AWS_CONFIG_FILE = box.write("c/config", "[default]\noutput = json\n");
    const err = await failure();
    expect(err.message).toContain(`region in profile "default" of ${env.AWS_CONFIG_FILE}`);
  });
});

describe("endpoint", () => {
  const profileFile = "[default]\nregion = us-east-1\nendpoint_url = http://profile.local:1\n";

  it("comes from the profile's endpoint_url", async () => {
    box.write(".aws/config", profileFile);
    expect(await urlOf()).toBe("http://profile.local:1/");
  });

  it("from AWS_ENDPOINT_URL before the profile", async () => {
    box.write(".aws/config", profileFile);
    env.AWS_ENDPOINT_URL = "http://global.local:2";
    expect(await urlOf()).toBe("http://global.local:2/");
  });

  it("from AWS_ENDPOINT_URL_CODEPIPELINE before AWS_ENDPOINT_URL", async () => {
    box.write(".aws/config", profileFile);
    env.AWS_ENDPOINT_URL = "http://global.local:2";
    env.AWS_ENDPOINT_URL_CODEPIPELINE = "http://service.local:3/base";
    expect(await urlOf()).toBe("http://service.local:3/base/");
  });

  it("from the endpoint option before all of them", async () => {
    box.write(".aws/config", profileFile);
    env.AWS_ENDPOINT_URL_CODEPIPELINE = "http://service.local:3";
    expect(await urlOf({ endpoint: "http://option.local:4" })).toBe("http://option.local:4/");
  });

  it("from the profile's services section before its endpoint_url", async () => {
    box.write(
      ".aws/config",
      "[default]\nregion = us-east-1\nservices = local\nendpoint_url = http://profile.local:1\n" +
        "[services local]\ncodepipeline =\n  endpoint_url = http://services.local:5\n",
    );
    expect(await urlOf()).toBe("http://services.local:5/");
  });

  it("a missing services section is a ConfigurationError", async () => {
    box.write(".aws/config", "[default]\nregion = us-east-1\nservices = nowhere\n");
    const err = await failure();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain("[services nowhere]");
  });

  it.each([
    ["the ignoreConfiguredEndpointUrls option", () => ({ ignoreConfiguredEndpointUrls: true })],
    ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", () => ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = "true"), {})],
    ["the profile's ignore_configured_endpoint_urls", () => (box.write(".aws/config", profileFile + "ignore_configured_endpoint_urls = true\n"), {})],
  ])("from the environment and the profile is ignored with %s", async (_, setup) => {
    box.write(".aws/config", profileFile);
    env.AWS_ENDPOINT_URL = "http://global.local:2";
    const config = setup();
    expect(await urlOf(config)).toBe(regional("us-east-1"));
    // the endpoint option still counts
    expect(await urlOf({ ...config, endpoint: "http://option.local:4" })).toBe("http://option.local:4/");
  });

  it("an invalid AWS_ENDPOINT_URL that the profile ignores is not read", async () => {
    box.write(".aws/config", profileFile + "ignore_configured_endpoint_urls = true\n");
    env.AWS_ENDPOINT_URL = "not a url";
    expect(await urlOf()).toBe(regional("us-east-1"));
  });

  it("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false beats the profile's true", async () => {
    box.write(".aws/config", profileFile + "ignore_configured_endpoint_urls = true\n");
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = "false";
    expect(await urlOf()).toBe("http://profile.local:1/");
  });

  it("that is not a URL is a ConfigurationError naming the variable", async () => {
    env.AWS_REGION = "us-east-1";
    env.AWS_ENDPOINT_URL = "localhost:4566";
    const err = await failure();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain("AWS_ENDPOINT_URL must be an http(s) URL");
  });
});

describe("FIPS and dual-stack", () => {
  it("come from AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT", async () => {
    env.AWS_REGION = "us-east-1";
    env.AWS_USE_FIPS_ENDPOINT = "true";
    expect(await urlOf()).toBe("https://codepipeline-fips.us-east-1.amazonaws.com/");
    env.AWS_USE_DUALSTACK_ENDPOINT = "TRUE";
    expect(await urlOf()).toBe("https://codepipeline-fips.us-east-1.api.aws/");
  });

  it("from the profile's use_fips_endpoint and use_dualstack_endpoint", async () => {
    box.write(".aws/config", "[default]\nregion = us-east-1\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\n");
    expect(await urlOf()).toBe("https://codepipeline-fips.us-east-1.api.aws/");
  });

  it("the environment beats the profile and the option beats both", async () => {
    box.write(".aws/config", "[default]\nregion = us-east-1\nuse_fips_endpoint = true\n");
    env.AWS_USE_FIPS_ENDPOINT = "false";
    expect(await urlOf()).toBe(regional("us-east-1"));
    env.AWS_USE_FIPS_ENDPOINT = "true";
    expect(await urlOf({ useFipsEndpoint: false })).toBe(regional("us-east-1"));
  });

  it("the config file beats the credentials file for settings other than region", async () => {
    box.write(".aws/config", "[default]\nregion = us-east-1\nuse_fips_endpoint = false\n");
    box.write(".aws/credentials", "[default]\nuse_fips_endpoint = true\n");
    expect(await urlOf()).toBe(regional("us-east-1"));
  });

  it("an invalid value is a ConfigurationError naming the variable", async () => {
    env.AWS_REGION = "us-east-1";
    env.AWS_USE_FIPS_ENDPOINT = "yes";
    const err = await failure();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe('AWS_USE_FIPS_ENDPOINT must be "true" or "false", got "yes"');
  });

  it("an invalid profile value names the key, the profile and the file", async () => {
    box.write(".aws/config", "[profile p]\nregion = us-east-1\nuse_dualstack_endpoint = 1\n");
    const err = await failure({ profile: "p" });
    expect(err.message).toBe('use_dualstack_endpoint in profile "p" of ~/.aws/config must be "true" or "false", got "1"');
  });
});

describe("retries", () => {
  it("maxAttempts comes from AWS_MAX_ATTEMPTS, then max_attempts, then 3", async () => {
    env.AWS_REGION = "us-east-1";
    env.AWS_CONFIG_FILE = box.write("a/config", "[default]\noutput = json\n");
    expect((await send()).sdkRequest).toBe("attempt=1; max=3");
    // (the loader caches each file by path for the life of the process, as in v3)
    env.AWS_CONFIG_FILE = box.write("b/config", "[default]\nmax_attempts = 7\n");
    expect((await send()).sdkRequest).toBe("attempt=1; max=7");
    env.AWS_MAX_ATTEMPTS = "5";
    const r = await send();
    expect(r.sdkRequest).toBe("attempt=1; max=5");
    await expect(r.client.config.maxAttempts()).resolves.toBe(5);
    expect((await send({ maxAttempts: 2 })).sdkRequest).toBe("attempt=1; max=2");
  });

  it.each(["abc", "0", "2.5", "-1", "3x"])("AWS_MAX_ATTEMPTS=%s is a ConfigurationError naming the variable", async (v) => {
    env.AWS_REGION = "us-east-1";
    env.AWS_MAX_ATTEMPTS = v;
    const err = await failure();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/^AWS_MAX_ATTEMPTS must be a whole number of at least 1/);
    expect(err.message).toContain(`got "${v}"`);
  });

  it("an invalid AWS_MAX_ATTEMPTS is not read when the option is given", async () => {
    env.AWS_REGION = "us-east-1";
    env.AWS_MAX_ATTEMPTS = "abc";
    expect((await send({ maxAttempts: 2 })).sdkRequest).toBe("attempt=1; max=2");
  });

  it("max_attempts = 0 in the profile is a ConfigurationError naming the key", async () => {
    box.write(".aws/config", "[default]\nregion = us-east-1\nmax_attempts = 0\n");
    expect((await failure()).message).toMatch(/^max_attempts in profile "default" of ~\/\.aws\/config must be a whole number/);
  });

  it("retryMode comes from AWS_RETRY_MODE, then retry_mode", async () => {
    env.AWS_REGION = "us-east-1";
    box.write(".aws/config", "[default]\nretry_mode = adaptive\n");
    let r = await send();
    await expect(r.client.config.retryMode()).resolves.toBe("adaptive");
    expect(r.ua).toMatch(/ m\/F/);
    env.AWS_RETRY_MODE = "standard";
    r = await send();
    await expect(r.client.config.retryMode()).resolves.toBe("standard");
    expect(r.ua).toMatch(/ m\/E/);
    env.AWS_RETRY_MODE = "legacy"; // known to other SDKs; standard here
    await expect((await send()).client.config.retryMode()).resolves.toBe("standard");
  });

  it("an unknown AWS_RETRY_MODE is a ConfigurationError naming the variable", async () => {
    env.AWS_REGION = "us-east-1";
    env.AWS_RETRY_MODE = "turbo";
    const err = await failure();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe('AWS_RETRY_MODE must be "standard" or "adaptive", got "turbo"');
  });
});

describe("user agent app id", () => {
  it("comes from AWS_SDK_UA_APP_ID, then sdk_ua_app_id; the option beats both", async () => {
    box.write(".aws/config", "[default]\nregion = us-east-1\nsdk_ua_app_id = from-profile\n");
    expect((await send()).ua).toContain(" app/from-profile");
    env.AWS_SDK_UA_APP_ID = "from-env";
    expect((await send()).ua).toContain(" app/from-env");
    expect((await send({ userAgentAppId: "from-option" })).ua).toContain(" app/from-option");
  });
});

describe("the shared files", () => {
  const everything = {
    AWS_REGION: "us-east-1",
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
    AWS_USE_FIPS_ENDPOINT: "false",
    AWS_USE_DUALSTACK_ENDPOINT: "false",
    AWS_MAX_ATTEMPTS: "3",
    AWS_RETRY_MODE: "standard",
    AWS_SDK_UA_APP_ID: "app",
  };

  it("are not read when the environment answers every setting", async () => {
    vi.mocked(loadSharedConfigFiles).mockClear();
    Object.assign(env, everything);
    expect(await urlOf()).toBe(regional("us-east-1"));
    expect(loadSharedConfigFiles).not.toHaveBeenCalled();
  });

  it("are not read when the config gives every setting", async () => {
    vi.mocked(loadSharedConfigFiles).mockClear();
    await send({
      region: "us-east-1",
      endpoint: "http://localhost:1",
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      maxAttempts: 3,
      retryMode: "standard",
      userAgentAppId: "app",
    });
    expect(loadSharedConfigFiles).not.toHaveBeenCalled();
  });

  it("are read once per client when something is left", async () => {
    vi.mocked(loadSharedConfigFiles).mockClear();
    Object.assign(env, everything);
    delete env.AWS_USE_FIPS_ENDPOINT;
    const { client } = await send();
    await client.send(new ListPipelinesCommand({}));
    expect(loadSharedConfigFiles).toHaveBeenCalledTimes(1);
  });

  it("that are missing or unreadable count as empty", async () => {
    env.AWS_REGION = "us-east-1";
    env.AWS_CONFIG_FILE = box.home; // a directory
    env.AWS_SHARED_CREDENTIALS_FILE = `${box.home}/nope`;
    expect(await urlOf()).toBe(regional("us-east-1"));
  });
});
