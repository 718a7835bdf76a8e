// Region, FIPS, dual-stack and endpoint options, checked through the client: where the request goes
// and which region signs it.
import { describe, expect, it, vi } from "vitest";
import { CodePipelineClient, ConfigurationError, ListPipelinesCommand } from "../../src/index.js";
import { EndpointError, type EndpointParameters } from "../../src/endpoints.js";
import type { CodePipelineClientConfig } from "../../src/config.js";
import { KEYS, recorder, useSandbox } from "./helpers.js";

useSandbox();

/** Sends ListPipelines with `config` and returns the URL it went to and the signing scope. */
async function send(config: CodePipelineClientConfig) {
  const handler = recorder();
  const client = new CodePipelineClient({ credentials: KEYS, requestHandler: handler, ...config });
  await client.send(new ListPipelinesCommand({}));
  const auth = String(handler.requests[0]!.headers.authorization);
  return { url: handler.url(), scope: /Credential=[^/]+\/\d+\/([^/]+)\//.exec(auth)?.[1], client, handler };
}

describe("region", () => {
  it("picks the regional endpoint and signs for the region", async () => {
    const r = await send({ region: "eu-west-1" });
    expect(r.url).toBe("https://codepipeline.eu-west-1.amazonaws.com/");
    expect(r.scope).toBe("eu-west-1");
  });

  it("accepts a region provider", async () => {
    const r = await send({ region: async () => "ap-southeast-2" });
    expect(r.url).toBe("https://codepipeline.ap-southeast-2.amazonaws.com/");
  });

  it.each([
    ["fips-us-east-1", "us-east-1"],
    ["us-east-1-fips", "us-east-1"],
    ["fips-us-gov-west-1", "us-gov-west-1"],
  ])("normalises %s to %s with FIPS on", async (given, real) => {
    const r = await send({ region: given });
    expect(r.url).toBe(`https://codepipeline-fips.${real}.amazonaws.com/`);
    expect(r.scope).toBe(real);
    // as in v3, the resolved config shows the real region and FIPS on
    await expect(r.client.config.region()).resolves.toBe(real);
    await expect(r.client.config.useFipsEndpoint()).resolves.toBe(true);
  });

  it("uses the partition's DNS suffix", async () => {
    expect((await send({ region: "cn-north-1" })).url).toBe("https://codepipeline.cn-north-1.amazonaws.com.cn/");
  });

  it("rejects an invalid region with EndpointError saying what to set", async () => {
    const err = await send({ region: "https://eu-west-1" }).catch((e) => e);
    expect(err).toBeInstanceOf(EndpointError);
    expect(err.message).toMatch(/Region not accepted.*set endpoint instead/);
  });

  it("throws a ConfigurationError at construction for region ''", () => {
    expect(() => new CodePipelineClient({ region: "" })).toThrow(ConfigurationError);
    expect(() => new CodePipelineClient({ region: "" })).toThrow(/Region is missing: set the region option/);
  });

  it("rejects the call when no region is found, naming the option and AWS_REGION", async () => {
    const err = await send({}).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.name).toBe("ConfigurationError");
    expect(err.message).toMatch(/^Region is missing/);
    expect(err.message).toContain("region option");
    expect(err.message).toContain("AWS_REGION");
  });

  it("rejects the call when a region provider gives nothing", async () => {
    const err = await send({ region: async () => "" }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/^Region is missing/);
  });
});

describe("useFipsEndpoint and useDualstackEndpoint", () => {
  it.each([
    [{ useFipsEndpoint: true }, "https://codepipeline-fips.us-east-1.amazonaws.com/"],
    [{ useDualstackEndpoint: true }, "https://codepipeline.us-east-1.api.aws/"],
    [{ useFipsEndpoint: true, useDualstackEndpoint: true }, "https://codepipeline-fips.us-east-1.api.aws/"],
    [{ useFipsEndpoint: async () => true }, "https://codepipeline-fips.us-east-1.amazonaws.com/"],
    [{ useFipsEndpoint: false, useDualstackEndpoint: false }, "https://codepipeline.us-east-1.amazonaws.com/"],
  ] as [CodePipelineClientConfig, string][])("%o goes to %s", async (opts, url) => {
    expect((await send({ region: "us-east-1", ...opts })).url).toBe(url);
  });

  it("dual-stack in China", async () => {
    expect((await send({ region: "cn-north-1", useDualstackEndpoint: true })).url).toBe(
      "https://codepipeline.cn-north-1.api.amazonwebservices.com.cn/",
    );
  });
});

describe("endpoint", () => {
  it.each([
    ["a string", "http://localhost:4566", "http://localhost:4566/"],
    ["a string with a path", "https://proxy.example.com/codepipeline", "https://proxy.example.com/codepipeline/"],
    ["a URL", new URL("http://127.0.0.1:8080/base/"), "http://127.0.0.1:8080/base/"],
    ["an Endpoint object", { protocol: "http", hostname: "127.0.0.1", port: 9000, path: "/x" }, "http://127.0.0.1:9000/x/"],
    ["an Endpoint with https:", { protocol: "https:", hostname: "cp.internal", path: "/" }, "https://cp.internal/"],
    ["an EndpointV2", { url: new URL("http://127.0.0.1:7000/") }, "http://127.0.0.1:7000/"],
    ["a provider", async () => "http://localhost:1234", "http://localhost:1234/"],
  ] as [string, CodePipelineClientConfig["endpoint"], string][])("as %s", async (_, endpoint, url) => {
    const r = await send({ region: "eu-central-1", endpoint });
    expect(r.url).toBe(url);
    expect(r.scope).toBe("eu-central-1");
    expect(r.handler.requests[0]!.headers.host).toBe(new URL(url).host);
  });

  it("with FIPS is an EndpointError that says what to change", async () => {
    const err = await send({ region: "us-east-1", endpoint: "http://localhost:4566", useFipsEndpoint: true }).catch((e) => e);
    expect(err).toBeInstanceOf(EndpointError);
    expect(err.message).toContain("FIPS and custom endpoint are not supported");
    expect(err.message).toContain("useFipsEndpoint");
  });

  it("with a FIPS pseudo-region is an EndpointError too", async () => {
    const err = await send({ region: "fips-us-east-1", endpoint: "http://localhost:4566" }).catch((e) => e);
    expect(err).toBeInstanceOf(EndpointError);
  });

  it("with dual-stack is an EndpointError naming useDualstackEndpoint", async () => {
    const err = await send({ region: "us-east-1", endpoint: "http://localhost:4566", useDualstackEndpoint: true }).catch((e) => e);
    expect(err.message).toMatch(/Dualstack and custom endpoint are not supported.*useDualstackEndpoint/);
  });

  it("that is not an http(s) URL is rejected", async () => {
    const err = await send({ region: "us-east-1", endpoint: "localhost:4566" }).catch((e) => e);
    expect(err).toBeInstanceOf(EndpointError);
    expect(err.message).toContain("not an http(s) URL");
  });
});

describe("endpointProvider", () => {
  it("replaces the rules and receives the endpoint parameters", async () => {
    const provider = vi.fn((_: EndpointParameters) => ({ url: new URL("https://vpce-123.codepipeline.example.com/") }));
    const r = await send({ region: "fips-eu-west-1", useDualstackEndpoint: true, endpointProvider: provider });
    expect(r.url).toBe("https://vpce-123.codepipeline.example.com/");
    expect(provider).toHaveBeenCalledWith(
      { Region: "eu-west-1", UseFIPS: true, UseDualStack: true, Endpoint: undefined },
      expect.anything(),
    );
  });

  it("gets a custom endpoint as the Endpoint parameter", async () => {
    const provider = vi.fn((p: EndpointParameters) => ({ url: new URL(p.Endpoint!) }));
    const r = await send({ region: "eu-west-1", endpoint: "http://localhost:4566", endpointProvider: provider });
    expect(provider.mock.calls[0]![0].Endpoint).toBe("http://localhost:4566");
    expect(r.url).toBe("http://localhost:4566/");
  });
});

describe("the resolved config", () => {
  it("keeps the v3 provider shape", async () => {
    const client = new CodePipelineClient({ region: "eu-west-1", credentials: KEYS, maxAttempts: 4, retryMode: "adaptive" });
    await expect(client.config.region()).resolves.toBe("eu-west-1");
    await expect(client.config.useFipsEndpoint()).resolves.toBe(false);
    await expect(client.config.useDualstackEndpoint()).resolves.toBe(false);
    await expect(client.config.maxAttempts()).resolves.toBe(4);
    await expect(client.config.retryMode()).resolves.toBe("adaptive");
    await expect(client.config.credentials()).resolves.toEqual(KEYS);
  });
});

describe("credentialDefaultProvider", () => {
  it("replaces the default chain when no credentials are given, and receives the config", async () => {
    const handler = recorder();
    const seen: unknown[] = [];
    const client = new CodePipelineClient({
      region: "eu-west-1",
      requestHandler: handler,
      credentialDefaultProvider: (input: { region?: unknown }) => {
        seen.push(input.region);
        return async () => ({ accessKeyId: "AKIDFROMPROVIDER", secretAccessKey: "s" });
      },
    });
    await client.send(new ListPipelinesCommand({}));
    expect(handler.accessKey()).toBe("AKIDFROMPROVIDER");
    expect(seen).toEqual(["eu-west-1"]);
  });

  it("is not used when credentials are given", async () => {
    const handler = recorder();
    let called = false;
    const client = new CodePipelineClient({
      region: "eu-west-1",
      requestHandler: handler,
      credentials: KEYS,
      credentialDefaultProvider: () => {
        called = true;
        return async () => ({ accessKeyId: "AKIDFROMPROVIDER", secretAccessKey: "s" });
      },
    });
    await client.send(new ListPipelinesCommand({}));
    expect(handler.accessKey()).toBe(KEYS.accessKeyId);
    expect(called).toBe(false);
  });
});
