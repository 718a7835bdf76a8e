// The browser runtime: no files and no environment. A missing region or missing credentials
// reject the call with a typed error naming the option to set.
import { describe, expect, it, vi } from "vitest";
import { CodePipelineClient, ConfigurationError, CredentialsProviderError, ListPipelinesCommand } from "../../src/index.js";
import { KEYS, recorder, useSandbox } from "./helpers.js";

// What the browser build does (tsup.config.ts): the runtime module is the browser one.
vi.mock("../../src/runtime/node.js", () => import("../../src/runtime/browser.js"));
// Neither Node-only module may be loaded.
vi.mock("@smithy/shared-ini-file-loader", () => {
  throw new Error("the browser runtime loaded the ini file loader");
});
vi.mock("@aws-sdk/credential-provider-node", () => {
  throw new Error("the browser runtime loaded the Node credential chain");
});

const box = useSandbox();

describe("in browsers", () => {
  it("the runtime is the browser one", async () => {
    expect((await import("../../src/runtime.js")).runtime.platform).toBe("browser");
  });

  it("a missing region rejects with a ConfigurationError naming the region option, whatever the environment", async () => {
    process.env.AWS_REGION = "eu-west-1";
    box.write(".aws/config", "[default]\nregion = eu-west-1\n");
    const client = new CodePipelineClient({ credentials: KEYS, requestHandler: recorder() });
    const err = await client.send(new ListPipelinesCommand({})).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe('Region is missing: set the region option, e.g. new CodePipelineClient({ region: "us-east-1" })');
  });

  it("missing credentials reject with a CredentialsProviderError naming the credentials option", async () => {
    process.env.AWS_ACCESS_KEY_ID = "AKIDFROMENV";
    process.env.AWS_SECRET_ACCESS_KEY = "env-secret";
    const handler = recorder();
    const client = new CodePipelineClient({ region: "eu-west-1", requestHandler: handler });
    const err = await client.send(new ListPipelinesCommand({})).catch((e) => e);
    expect(err).toBeInstanceOf(CredentialsProviderError);
    expect(err.message).toContain("pass the credentials option");
    expect(handler.requests).toHaveLength(0);
  });

  it("environment settings are ignored", async () => {
    process.env.AWS_ENDPOINT_URL = "http://localhost:4566";
    process.env.AWS_USE_FIPS_ENDPOINT = "true";
    process.env.AWS_MAX_ATTEMPTS = "abc";
    const handler = recorder();
    const client = new CodePipelineClient({ region: "eu-west-1", credentials: KEYS, requestHandler: handler });
    await client.send(new ListPipelinesCommand({}));
    expect(handler.url()).toBe("https://codepipeline.eu-west-1.amazonaws.com/");
    expect(handler.requests[0]!.headers["amz-sdk-request"]).toBe("attempt=1; max=3");
  });

  it("a failed fetch's NetworkError names the likely causes (browsers hide the cause from scripts)", async () => {
    const failing = { handle: () => Promise.reject(new TypeError("Failed to fetch")) };
    const client = new CodePipelineClient({ region: "eu-west-1", credentials: KEYS, maxAttempts: 1, requestHandler: failing });
    const err = await client.send(new ListPipelinesCommand({})).catch((e) => e);
    expect(err.name).toBe("NetworkError");
    expect(err.message).toBe(
      "The request to codepipeline.eu-west-1.amazonaws.com failed: Failed to fetch (likely causes: CORS does not allow this origin, or the endpoint is unreachable)",
    );
  });

  it("the options work as in Node", async () => {
    const handler = recorder();
    const client = new CodePipelineClient({ region: "fips-us-east-1", useDualstackEndpoint: true, credentials: KEYS, requestHandler: handler });
    await client.send(new ListPipelinesCommand({}));
    expect(handler.url()).toBe("https://codepipeline-fips.us-east-1.api.aws/");
  });
});
