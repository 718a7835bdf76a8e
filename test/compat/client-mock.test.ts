/**
 * aws-sdk-client-mock and aws-sdk-client-mock-vitest, used exactly as with the official client.
 */
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { afterEach, describe, expect, it } from "vitest";
import {
  CodePipeline,
  CodePipelineClient,
  GetPipelineCommand,
  ListPipelinesCommand,
  PipelineNotFoundException,
  StartPipelineExecutionCommand,
  paginateListPipelines,
} from "../../src/index.js";

const cpMock = mockClient(CodePipelineClient);
afterEach(() => cpMock.reset());

const client = () => new CodePipelineClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });

describe("aws-sdk-client-mock with our client and commands", () => {
  it("resolves a command", async () => {
    cpMock.on(ListPipelinesCommand).resolves({ pipelines: [{ name: "one" }], $metadata: {} });
    const out = await client().send(new ListPipelinesCommand({}));
    expect(out.pipelines).toEqual([{ name: "one" }]);
  });

  it("matches on input, and falls back to the command-level behaviour", async () => {
    cpMock.on(GetPipelineCommand).resolves({ pipeline: { name: "other", roleArn: "r", stages: [] }, $metadata: {} });
    cpMock.on(GetPipelineCommand, { name: "wanted" }).resolves({ pipeline: { name: "wanted", roleArn: "r", stages: [] }, $metadata: {} });
    const c = client();
    expect((await c.send(new GetPipelineCommand({ name: "wanted" }))).pipeline?.name).toBe("wanted");
    expect((await c.send(new GetPipelineCommand({ name: "x" }))).pipeline?.name).toBe("other");
  });

  it("rejects with a modeled error that keeps its class", async () => {
    cpMock.on(GetPipelineCommand).rejects(new PipelineNotFoundException({ message: "no such pipeline", $metadata: {} }));
    const err = await client()
      .send(new GetPipelineCommand({ name: "missing" }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineNotFoundException);
    expect(err).toMatchObject({ name: "PipelineNotFoundException", message: "no such pipeline", $fault: "client" });
  });

  it("rejects with a message (the mock builds the error)", async () => {
    cpMock.on(ListPipelinesCommand).rejects("boom");
    await expect(client().send(new ListPipelinesCommand({}))).rejects.toThrow("boom");
  });

  it("callsFake receives the command input", async () => {
    cpMock.on(StartPipelineExecutionCommand).callsFake(async (input) => ({
      pipelineExecutionId: `exec-for-${input.name}`,
      $metadata: {},
    }));
    const out = await client().send(new StartPipelineExecutionCommand({ name: "p1" }));
    expect(out.pipelineExecutionId).toBe("exec-for-p1");
  });

  it("resolvesOnce then resolves", async () => {
    cpMock
      .on(ListPipelinesCommand)
      .resolvesOnce({ pipelines: [{ name: "first" }], $metadata: {} })
      .resolves({ pipelines: [], $metadata: {} });
    const c = client();
    expect((await c.send(new ListPipelinesCommand({}))).pipelines).toHaveLength(1);
    expect((await c.send(new ListPipelinesCommand({}))).pipelines).toHaveLength(0);
  });

  it("records calls: commandCalls and the vitest matchers", async () => {
    cpMock.onAnyCommand().resolves({ $metadata: {} });
    const c = client();
    await c.send(new GetPipelineCommand({ name: "a" }));
    await c.send(new GetPipelineCommand({ name: "b", version: 2 }));
    await c.send(new ListPipelinesCommand({ maxResults: 5 }));

    expect(cpMock.commandCalls(GetPipelineCommand)).toHaveLength(2);
    expect(cpMock.commandCalls(GetPipelineCommand, { name: "b" })[0]!.args[0].input).toEqual({ name: "b", version: 2 });
    expect(cpMock).toHaveReceivedCommand(ListPipelinesCommand);
    expect(cpMock).toHaveReceivedCommandTimes(GetPipelineCommand, 2);
    expect(cpMock).toHaveReceivedCommandWith(GetPipelineCommand, { name: "a" });
    expect(cpMock).toHaveReceivedNthCommandWith(GetPipelineCommand, 2, { name: "b" });
    expect(cpMock).toHaveReceivedLastCommandWith(ListPipelinesCommand, { maxResults: 5 });
    expect(cpMock).not.toHaveReceivedCommand(StartPipelineExecutionCommand);
  });

  it("a failing matcher fails (the matchers really look at our calls)", async () => {
    cpMock.onAnyCommand().resolves({ $metadata: {} });
    await client().send(new GetPipelineCommand({ name: "a" }));
    expect(() => expect(cpMock).toHaveReceivedCommandWith(GetPipelineCommand, { name: "zzz" })).toThrow();
    expect(() => expect(cpMock).toHaveReceivedCommand(ListPipelinesCommand)).toThrow();
  });

  it("covers the aggregated client and the paginators, which send through CodePipelineClient", async () => {
    cpMock
      .on(ListPipelinesCommand)
      .resolvesOnce({ pipelines: [{ name: "a" }], nextToken: "t1", $metadata: {} })
      .resolves({ pipelines: [{ name: "b" }], $metadata: {} });
    const agg = new CodePipeline({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    const names: string[] = [];
    for await (const page of paginateListPipelines({ client: agg }, {})) names.push(...(page.pipelines ?? []).map((p) => p.name!));
    expect(names).toEqual(["a", "b"]);
    expect(cpMock).toHaveReceivedNthCommandWith(ListPipelinesCommand, 2, { nextToken: "t1" });

    cpMock.on(GetPipelineCommand).resolves({ pipeline: { name: "agg", roleArn: "r", stages: [] }, $metadata: {} });
    expect((await agg.getPipeline({ name: "agg" })).pipeline?.name).toBe("agg");
  });

  it("restore() brings back the real send", async () => {
    const m = mockClient(CodePipelineClient);
    m.restore();
    const c = new CodePipelineClient({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      requestHandler: {
        async handle() {
          return { response: { statusCode: 200, headers: {}, body: new TextEncoder().encode('{"pipelines":[]}') } };
        },
      } as any,
    });
    expect((await c.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    mockClient(CodePipelineClient); // the suite's mock again, for the other tests' afterEach
  });
});
