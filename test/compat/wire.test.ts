import { describe, expect, it } from "vitest";
import { samples, type SampleOperation } from "../generated/samples.js";
import { clientPair, ours, v3, wireView } from "./harness.js";

const operations = Object.keys(samples) as SampleOperation[];

describe("requests: same wire as the official client", () => {
  it("covers the 44 operations", () => expect(operations).toHaveLength(44));

  it.each(operations)("%s", async (op) => {
    const sample = samples[op];
    const pair = clientPair(() => ({ statusCode: 200, headers: { "content-type": "application/x-amz-json-1.1" }, body: "{}" }));
    await pair.ours.send(new (ours as any)[`${op}Command`](structuredClone(sample.input)));
    await pair.v3.send(new (v3 as any)[`${op}Command`](structuredClone(sample.input)));
    expect(pair.requests).toHaveLength(2);
    const [mine, theirs] = pair.requests.map(wireView);
    expect(mine).toStrictEqual(theirs);
    expect(mine!.body).toEqual(sample.inputWire);
  });
});

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
