// AWS X-Ray's captureAWSv3Client (aws-xray-sdk-core) instruments this client as it instruments the
// official one: it adds its middleware to `client.middlewareStack` and reads the handler context's
// names, the config's region and `$metadata`. Same subsegments, same trace header on the request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import AWSXRay from "aws-xray-sdk-core";
import * as v3 from "@aws-sdk/client-codepipeline";
import { CodePipelineClient, GetPipelineCommand, ListPipelinesCommand } from "../../src/index.js";
import { CREDENTIALS, fakeHandler, type CannedResponse } from "../core/helpers.js";

beforeAll(() => {
  AWSXRay.enableManualMode();
  AWSXRay.setContextMissingStrategy("IGNORE_ERROR");
  // nothing is sent: the segments are never closed, only their subsegments are read
  AWSXRay.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
});
afterAll(() => AWSXRay.enableAutomaticMode());

function reply(req: { headers: Record<string, string> }): CannedResponse {
  const target = req.headers["x-amz-target"]!;
  return target.endsWith("GetPipeline")
    ? { statusCode: 400, headers: { "x-amzn-requestid": "r-missing" }, body: { __type: "PipelineNotFoundException", message: "not found" } }
    : { statusCode: 200, headers: { "x-amzn-requestid": "r-list", "content-length": "16" }, body: { pipelines: [] } };
}

/** Makes a successful and a failing call through a client captured by X-Ray; returns what X-Ray recorded and what was sent. */
async function traced(make: (handler: any) => any, commands: { list: any; get: any }) {
  const handler = fakeHandler((req) => reply(req as any));
  const segment = new AWSXRay.Segment("test");
  const client = AWSXRay.captureAWSv3Client(make(handler), segment);
  await client.send(new commands.list({}));
  await client.send(new commands.get({ name: "missing" })).catch(() => {});
  const subsegments = (segment.subsegments ?? []).map((s: any) => {
    const { name, aws, http, namespace, fault, error, throttle } = JSON.parse(JSON.stringify(s));
    return { name, aws, http, namespace, fault, error, throttle, cause: s.cause?.exceptions?.[0]?.type };
  });
  const traceHeaders = handler.requests.map((r) => r.headers["X-Amzn-Trace-Id"]);
  return { segment, subsegments, traceHeaders };
}

const config = (handler: any) => ({ region: "eu-west-1", credentials: CREDENTIALS, requestHandler: handler });

describe("captureAWSv3Client", () => {
  it("records the same subsegments for this client as for the official one", async () => {
    const ours = await traced((h) => new CodePipelineClient(config(h)), { list: ListPipelinesCommand, get: GetPipelineCommand });
    const theirs = await traced((h) => new v3.CodePipelineClient(config(h)), { list: v3.ListPipelinesCommand, get: v3.GetPipelineCommand });
    expect(ours.subsegments).toHaveLength(2);
    expect(ours.subsegments[0]).toMatchObject({
      name: "CodePipeline",
      namespace: "aws",
      aws: { operation: "ListPipelines", region: "eu-west-1", request_id: "r-list", retries: 1 },
      http: { response: { status: 200, content_length: 16 } },
    });
    expect(ours.subsegments[1]).toMatchObject({
      name: "CodePipeline",
      aws: { operation: "GetPipeline", request_id: "r-missing" },
      http: { response: { status: 400 } },
      error: true,
      cause: "PipelineNotFoundException",
    });
    expect(ours.subsegments).toEqual(theirs.subsegments);
  });

  it("puts X-Ray's trace header on each request, naming the segment's trace and the call's subsegment", async () => {
    const ours = await traced((h) => new CodePipelineClient(config(h)), { list: ListPipelinesCommand, get: GetPipelineCommand });
    expect(ours.traceHeaders).toHaveLength(2);
    ours.traceHeaders.forEach((header, i) => {
      expect(header).toBe(`Root=${ours.segment.trace_id};Parent=${(ours.segment.subsegments![i] as any).id};Sampled=1`);
    });
  });
});
