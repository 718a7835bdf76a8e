import { describe, expect, it } from "vitest";
import { samples, type SampleOperation } from "../generated/samples.js";
import { operations as operationTables, shapes as shapeTables } from "../../src/generated/shapes.js";
import { caught, clientPair, ours, v3, wireView } from "./harness.js";

const operations = Object.keys(samples) as SampleOperation[];

describe("requests: byte for byte the official client's body", () => {
  it("covers the 44 operations", () => expect(operations).toHaveLength(44));

  it.each(operations)("%s, every member set", async (op) => {
    const sample = samples[op];
    const pair = clientPair(() => ({ statusCode: 200, headers: { "content-type": "application/x-amz-json-1.1" }, body: "{}" }));
    await pair.ours.send(new (ours as any)[`${op}Command`](structuredClone(sample.input)));
    await pair.v3.send(new (v3 as any)[`${op}Command`](structuredClone(sample.input)));
    expect(pair.requests).toHaveLength(2);
    const [mine, theirs] = pair.requests.map(wireView);
    expect(mine).toStrictEqual(theirs);
    expect(pair.requests[0]!.body).toBe(pair.requests[1]!.body);
    expect(mine!.body).toEqual(sample.inputWire);
  });

  it.each(operations)("%s, members in reverse order, unmodeled members and nulls at every depth", async (op) => {
    const input = messUp(samples[op].input, operationTables[op]!.input);
    const pair = clientPair(() => ({ statusCode: 200, headers: { "content-type": "application/x-amz-json-1.1" }, body: "{}" }));
    await pair.ours.send(new (ours as any)[`${op}Command`](structuredClone(input)));
    await pair.v3.send(new (v3 as any)[`${op}Command`](structuredClone(input)));
    const [mine, theirs] = pair.requests;
    expect(mine!.body).toBe(theirs!.body);
    expect(mine!.headers["content-length"]).toBe(theirs!.headers["content-length"]);
    expect(mine!.body).not.toContain(UNMODELED);
    expect(JSON.parse(mine!.body)).toEqual(samples[op].inputWire);
  });
});

const UNMODELED = "notInTheModel";

/**
 * A copy of a sample input that a careless caller might pass: members in reverse order, an unmodeled
 * member (itself nested) and a null member in every structure, null elements in every list, null
 * values in every map. Timestamps stay Dates; map keys are data and are kept.
 */
function messUp(value: any, shape: string | undefined): any {
  const s = shape ? shapeTables[shape] : undefined;
  if (value == null || !s || value instanceof Date) return value;
  if (s.k === "list") return [null, ...value.map((v: unknown) => messUp(v, s.m)), undefined];
  if (s.k === "map") return { ...Object.fromEntries(Object.entries(value).map(([k, v]) => [k, messUp(v, s.m)])), nullValue: null };
  if (s.k !== "structure") return value;
  const out: Record<string, unknown> = { [UNMODELED]: { deeper: [1, { [UNMODELED]: true }] }, nullMember: null };
  for (const k of Object.keys(value).reverse()) out[k] = messUp(value[k], s.m[k]?.t);
  return out;
}

describe("responses: same parsed output as the official client", () => {
  it.each(operations)("%s", async (op) => {
    const sample = samples[op];
    const pair = clientPair(() => ({
      statusCode: 200,
      headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-1" },
      body: JSON.stringify(sample.outputWire),
    }));
    const mine = await pair.ours.send(new (ours as any)[`${op}Command`](structuredClone(sample.input)));
    const theirs = await pair.v3.send(new (v3 as any)[`${op}Command`](structuredClone(sample.input)));
    expect(mine).toStrictEqual(theirs);
    expect(mine).toEqual({ ...sample.output, $metadata: theirs.$metadata });
  });
});

const ok = (body: unknown = {}) => () => ({
  statusCode: 200,
  headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "rid" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** Sends `op` with `input` on both clients and returns both wire views. */
async function sendBoth(op: string, input: unknown, extra: Record<string, unknown> = {}, respond = ok()) {
  const pair = clientPair(respond, extra);
  const results: { ours?: any; v3?: any } = {};
  results.ours = await pair.ours.send(new (ours as any)[`${op}Command`](input)).catch((e: unknown) => e);
  results.v3 = await pair.v3.send(new (v3 as any)[`${op}Command`](input)).catch((e: unknown) => e);
  return { requests: pair.requests, ...results };
}

describe("requests: edge cases, same as the official client", () => {
  it("no input at all sends {}", async () => {
    const { requests } = await sendBoth("ListPipelines", undefined);
    expect(requests.map((r) => r.body)).toEqual(["{}", "{}"]);
  });

  it("null and undefined members are left out; null list elements are dropped", async () => {
    const input = { pipelineName: "p", filter: null, maxResults: undefined, nextToken: null };
    const { requests } = await sendBoth("ListPipelineExecutions", input);
    expect(wireView(requests[0]!).body).toEqual({ pipelineName: "p" });
    expect(wireView(requests[0]!)).toEqual(wireView(requests[1]!));
    const tags = { resourceArn: "arn", tags: [{ key: "a", value: "1" }, null] };
    const second = await sendBoth("TagResource", tags);
    expect(wireView(second.requests[0]!).body).toEqual({ resourceArn: "arn", tags: [{ key: "a", value: "1" }] });
    expect(wireView(second.requests[0]!)).toEqual(wireView(second.requests[1]!));
  });

  it("input timestamps: Date to epoch seconds with milliseconds, other values as they are", async () => {
    for (const created of [new Date(1700000000123), new Date(1700000000000), 1700000001, "2024-01-01T00:00:00Z"]) {
      const input = { pipelineName: "p", stageName: "s", actionName: "a", actionRevision: { revisionId: "r", revisionChangeId: "c", created } };
      const { requests } = await sendBoth("PutActionRevision", input);
      expect(requests[0]!.body).toBe(requests[1]!.body);
    }
    const { requests } = await sendBoth("PutActionRevision", {
      pipelineName: "p",
      stageName: "s",
      actionName: "a",
      actionRevision: { revisionId: "r", revisionChangeId: "c", created: new Date(1700000000123) },
    });
    expect(requests[0]!.body).toContain('"created":1700000000.123');
  });

  it("the idempotency token: filled with a UUID v4 when absent, kept when given (even empty)", async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const absent = await sendBoth("StartPipelineExecution", { name: "p" });
    for (const r of absent.requests) expect(JSON.parse(r.body).clientRequestToken).toMatch(uuid);
    const given = await sendBoth("StartPipelineExecution", { name: "p", clientRequestToken: "mine" });
    expect(given.requests.map((r) => JSON.parse(r.body).clientRequestToken)).toEqual(["mine", "mine"]);
    const empty = await sendBoth("StartPipelineExecution", { name: "p", clientRequestToken: "" });
    expect(empty.requests.map((r) => JSON.parse(r.body).clientRequestToken)).toEqual(["", ""]);
  });

  it("the generated idempotency token sits where v3 writes it; NaN and Infinity are written as v3 writes them", async () => {
    const uuid = /"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/;
    const input = { sourceRevisions: [{ actionName: "a", revisionType: "COMMIT_ID", revisionValue: "v" }], name: "p", variables: [{ value: "1", name: "n" }] };
    const token = await sendBoth("StartPipelineExecution", input);
    expect(token.requests[0]!.body.replace(uuid, "T")).toBe(token.requests[1]!.body.replace(uuid, "T"));
    for (const maxResults of [NaN, Infinity, -Infinity]) {
      const { requests } = await sendBoth("ListPipelines", { maxResults });
      expect(requests[0]!.body).toBe(requests[1]!.body);
    }
  });

  it("non-ASCII values: same body and content-length", async () => {
    const { requests } = await sendBoth("GetPipeline", { name: "pipeline-é-日本" });
    expect(requests[0]!.body).toBe(requests[1]!.body);
    expect(requests[0]!.headers["content-length"]).toBe(requests[1]!.headers["content-length"]);
  });

  it.each([
    ["a custom endpoint with a base path", { endpoint: "https://proxy.example.com/base" }],
    ["a custom endpoint with a port", { endpoint: "http://127.0.0.1:4566" }],
    ["FIPS", { useFipsEndpoint: true }],
    ["dual-stack", { useDualstackEndpoint: true }],
    ["a China region", { region: "cn-north-1" }],
    ["a GovCloud region with FIPS", { region: "us-gov-west-1", useFipsEndpoint: true }],
  ])("endpoint: %s", async (_title, extra) => {
    const { requests } = await sendBoth("ListPipelines", {}, extra);
    expect(requests).toHaveLength(2);
    expect(wireView(requests[0]!)).toEqual(wireView(requests[1]!));
    expect(requests[0]!.port).toEqual(requests[1]!.port);
  });

  it("the signed header list is the same", async () => {
    const { requests } = await sendBoth("ListPipelines", {});
    const signed = requests.map((r) => /SignedHeaders=([^,]+)/.exec(r.headers["authorization"]!)![1]);
    expect(signed[0]).toBe(signed[1]);
    expect(Object.keys(requests[0]!.headers).sort()).toEqual(Object.keys(requests[1]!.headers).sort());
  });
});

describe("responses: edge cases, same as the official client", () => {
  const same = async (op: string, input: unknown, body: string) => {
    const r = await sendBoth(op, input, {}, ok(body));
    expect(r.ours).toStrictEqual(r.v3);
    return r.ours;
  };

  it("an empty body gives only $metadata", async () => {
    expect(await same("ListPipelines", {}, "")).toEqual({ $metadata: expect.objectContaining({ httpStatusCode: 200, requestId: "rid" }) });
  });

  it("null members are left out, null list elements are kept", async () => {
    const out = await same("ListPipelines", {}, '{"nextToken":null,"pipelines":[null,{"name":null,"version":3}]}');
    expect(out.pipelines).toEqual([null, { version: 3 }]);
    await same("ListTagsForResource", { resourceArn: "a" }, '{"tags":[{"key":"a","value":null}]}');
  });

  it("timestamps: epoch seconds as numbers or numeric strings", async () => {
    const out = await same("ListPipelines", {}, '{"pipelines":[{"created":1700000000.5,"updated":"1700000001.25"}]}');
    expect(out.pipelines[0].created).toEqual(new Date(1700000000500));
    expect(out.pipelines[0].updated).toEqual(new Date(1700000001250));
  });

  it("no coercion, and unknown enum values pass through", async () => {
    await same("ListPipelines", {}, '{"pipelines":[{"version":"3","name":5,"pipelineType":"V9"}]}');
  });

  it("maps keep their keys and values", async () => {
    await same("GetPipeline", { name: "p" }, JSON.stringify({ pipeline: { name: "p", variables: [{ name: "v" }], stages: [{ name: "s", actions: [{ name: "a", configuration: { Key: "value", other: "x" } }] }] } }));
  });
});

describe("requests and responses: where we differ from the official client, on purpose", () => {
  it("clientRequestToken: null is treated as absent and gets a UUID (v3 sends invalid JSON)", async () => {
    const { requests } = await sendBoth("StartPipelineExecution", { name: "p", clientRequestToken: null });
    expect(JSON.parse(requests[0]!.body).clientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => JSON.parse(requests[1]!.body)).toThrow();
  });

  it("an input with a string __type: unknown members are still left out (v3 sends them all)", async () => {
    const { requests } = await sendBoth("GetPipeline", { __type: "PipelineSummary", name: "p", created: 1 });
    expect(requests[0]!.body).toBe('{"name":"p"}');
    expect(JSON.parse(requests[1]!.body)).toEqual({ name: "p", __type: "PipelineSummary", created: 1 });
  });

  it("an invalid Date in a timestamp is sent as null (v3 sends NaN, which is not JSON)", async () => {
    const input = { pipelineName: "p", stageName: "s", actionName: "a", actionRevision: { revisionId: "r", revisionChangeId: "c", created: new Date(NaN) } };
    const { requests } = await sendBoth("PutActionRevision", input);
    expect(JSON.parse(requests[0]!.body).actionRevision.created).toBeNull();
    expect(requests[1]!.body).toContain('"created":NaN');
  });

  it("response headers are read whatever the case of their names (v3 misses them on error responses)", async () => {
    const ahead = new Date(Date.now() + 3_600_000).toUTCString();
    const headers = { "X-Amzn-RequestId": "rid-mixed", "X-Amz-Id-2": "ext", "X-Amz-Cf-Id": "cf", DATE: ahead, "Content-Type": "application/x-amz-json-1.1" };
    const pair = clientPair(() => ({ statusCode: 200, headers, body: "{}" }));
    const mine = await pair.ours.send(new ours.ListPipelinesCommand({}));
    const theirs = await pair.v3.send(new v3.ListPipelinesCommand({}));
    expect(mine.$metadata).toStrictEqual(theirs.$metadata);
    expect(mine.$metadata).toMatchObject({ requestId: "rid-mixed", extendedRequestId: "ext", cfId: "cf" });
    // the clock offset is learnt from a `DATE` header as from `date`
    expect(Math.abs(pair.ours.config.systemClockOffset - 3_600_000)).toBeLessThan(5_000);
    // errors: the code, the ids and the content type of an unreadable body
    const failing = clientPair(() => ({
      statusCode: 400,
      headers: { "X-AMZN-ERRORTYPE": "ThrottlingException", "X-Amzn-RequestId": "rid-err", "X-Amz-Id-2": "ext-err", "CONTENT-TYPE": "text/plain" },
      body: "Rate exceeded",
    }));
    const err = await caught(() => failing.ours.send(new ours.ListPipelinesCommand({})));
    expect(err).toMatchObject({ name: "ThrottlingException", $metadata: { requestId: "rid-err", extendedRequestId: "ext-err" } });
    expect(err.message).toContain("text/plain");
    const modeled = clientPair(() => ({ statusCode: 400, headers: { "X-Amzn-RequestId": "rid-err" }, body: '{"__type":"PipelineNotFoundException"}' }));
    const both = [await caught(() => modeled.ours.send(new ours.GetPipelineCommand({ name: "p" }))), await caught(() => modeled.v3.send(new v3.GetPipelineCommand({ name: "p" })))];
    expect(both.map((e) => e.$metadata.requestId)).toEqual(["rid-err", undefined]);
  });

  it("response fields outside the model are kept (v3 drops them)", async () => {
    const r = await sendBoth("ListPipelines", {}, {}, ok({ pipelines: [{ name: "n", newField: 1 }], newTop: true }));
    expect(r.ours.pipelines).toEqual([{ name: "n", newField: 1 }]);
    expect(r.ours.newTop).toBe(true);
    expect(r.v3.pipelines).toEqual([{ name: "n" }]);
  });

  it("ISO 8601 timestamps in a response are read (v3 fails the call)", async () => {
    const r = await sendBoth("ListPipelines", {}, {}, ok('{"pipelines":[{"created":"2024-01-02T03:04:05.678Z"}]}'));
    expect(r.ours.pipelines[0].created).toEqual(new Date("2024-01-02T03:04:05.678Z"));
    expect(r.v3).toBeInstanceOf(TypeError);
  });

  it("operations that return nothing resolve to { $metadata } whatever the body (v3 returns the body)", async () => {
    const unitOps = ["DeleteCustomActionType", "DeletePipeline", "DisableStageTransition", "EnableStageTransition", "OverrideStageCondition", "PutJobFailureResult", "PutJobSuccessResult", "PutThirdPartyJobFailureResult", "PutThirdPartyJobSuccessResult", "UpdateActionType"];
    for (const op of unitOps) {
      const r = await sendBoth(op, structuredClone(samples[op as SampleOperation].input), {}, ok({ unexpected: 1 }));
      expect(r.ours).toStrictEqual({ $metadata: r.v3.$metadata });
      expect(r.v3.unexpected).toBe(1);
    }
  });

  it.each([
    ["a JSON array", "[1,2]"],
    ["a JSON string", '"text"'],
    ["an HTML page", "<html><body>Service Unavailable</body></html>"],
  ])("a 200 response whose body is %s is a DeserializationError with status, request id and snippet", async (_t, body) => {
    const r = await sendBoth("ListPipelines", {}, {}, ok(body));
    expect(r.ours).toBeInstanceOf(ours.DeserializationError);
    expect(r.ours.$metadata).toMatchObject({ httpStatusCode: 200, requestId: "rid" });
    expect(r.ours.message).toContain("HTTP 200");
    expect(r.ours.message).toContain(body.slice(0, 6).replace(/"/g, '\\"'));
  });

  it("null values inside maps are left out like other nulls (v3 keeps them)", async () => {
    const body = { pipeline: { name: "p", stages: [{ name: "s", actions: [{ name: "a", configuration: { Key: "value", gone: null } }] }] } };
    const r = await sendBoth("GetPipeline", { name: "p" }, {}, ok(body));
    expect(r.ours.pipeline.stages[0].actions[0].configuration).toEqual({ Key: "value" });
    expect(r.v3.pipeline.stages[0].actions[0].configuration).toStrictEqual({ Key: "value", gone: null });
  });
});

describe("paginators", () => {
  it("send the same page requests, without changing the caller's input (v3 writes the token into it)", async () => {
    let page = 0;
    const respond = () => ({ statusCode: 200, headers: {}, body: JSON.stringify(++page % 2 ? { pipelines: [{ name: `p${page}` }], nextToken: "t" } : { pipelines: [] }) });
    const pair = clientPair(respond);
    const mineInput = { maxResults: 5 };
    const theirsInput = { maxResults: 5 };
    for await (const _ of ours.paginateListPipelines({ client: pair.ours, pageSize: 5 }, mineInput));
    for await (const _ of v3.paginateListPipelines({ client: pair.v3, pageSize: 5 }, theirsInput));
    const bodies = pair.requests.map((r) => JSON.parse(r.body));
    expect(bodies).toEqual([{ maxResults: 5 }, { maxResults: 5, nextToken: "t" }, { maxResults: 5 }, { maxResults: 5, nextToken: "t" }]);
    expect(mineInput).toEqual({ maxResults: 5 });
    expect(theirsInput).toEqual({ maxResults: 5, nextToken: "t" });
  });
});
