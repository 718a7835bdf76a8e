// The last place Node looks for the region: the EC2 instance metadata service (IMDSv2), served here
// on 127.0.0.1 through AWS_EC2_METADATA_SERVICE_ENDPOINT.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CodePipelineClient, ConfigurationError, ListPipelinesCommand } from "../../src/index.js";
import { KEYS, recorder, useSandbox } from "./helpers.js";

const box = useSandbox();
let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A fake IMDS that answers `region` (or 404 when undefined) to token-bearing requests. */
async function imds(region: string | undefined) {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    if (req.method === "PUT" && req.url === "/latest/api/token") return res.end("imds-token");
    if (req.url === "/latest/meta-data/placement/region" && req.headers["x-aws-ec2-metadata-token"] === "imds-token" && region)
      return res.end(region);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  delete process.env.AWS_EC2_METADATA_DISABLED;
  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return seen;
}

const send = async () => {
  const handler = recorder();
  await new CodePipelineClient({ credentials: KEYS, requestHandler: handler }).send(new ListPipelinesCommand({}));
  return handler.url();
};

// In this order: a failure keeps IMDS quiet for a minute, for the whole process.
describe("region from the instance metadata service", () => {
  it("is used when neither the environment nor the profile has one, with an IMDSv2 token", async () => {
    const seen = await imds("ap-south-1");
    expect(await send()).toBe("https://codepipeline.ap-south-1.amazonaws.com/");
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(["PUT /latest/api/token", "GET /latest/meta-data/placement/region"]);
    expect(seen[0]!.headers["x-aws-ec2-metadata-token-ttl-seconds"]).toBe("21600");
  });

  it("is not asked when the profile has a region", async () => {
    const seen = await imds("ap-south-1");
    box.write(".aws/config", "[default]\nregion = eu-west-2\n");
    expect(await send()).toBe("https://codepipeline.eu-west-2.amazonaws.com/");
    expect(seen).toHaveLength(0);
  });

  it("is not asked when AWS_EC2_METADATA_DISABLED is set", async () => {
    const seen = await imds("ap-south-1");
    process.env.AWS_EC2_METADATA_DISABLED = "true";
    const err = await send().catch((e) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(seen).toHaveLength(0);
  });

  it("without an answer leaves the region missing, and is not asked again for a minute", async () => {
    const seen = await imds(undefined);
    const err = await send().catch((e) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/^Region is missing: .*AWS_REGION.*instance metadata service gave none/);
    const asked = seen.length;
    expect(asked).toBeGreaterThan(0);
    await send().catch(() => {});
    expect(seen).toHaveLength(asked);
  });
});
