import { describe, expect, it } from "vitest";
import type { HttpRequest, HttpResponse } from "@smithy/types";
import { CodePipelineClient, CreatePipelineCommand, GetPipelineCommand, ListPipelinesCommand } from "../../src/index.js";
import { InputValidationError, OutputValidationError, validation } from "../../src/validation/index.js";

/** A client whose transport records requests and answers every one with `body`. */
function clientAnswering(body: unknown) {
  const requests: HttpRequest[] = [];
  const client = new CodePipelineClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-real-secret" },
    maxAttempts: 1,
    requestHandler: {
      async handle(request: HttpRequest) {
        requests.push(request);
        const bytes = new TextEncoder().encode(JSON.stringify(body));
        return { response: { statusCode: 200, headers: { "content-type": "application/x-amz-json-1.1" }, body: bytes } as HttpResponse };
      },
    },
  });
  return { client, requests };
}

describe("validation() plugin", () => {
  it("stops an invalid call before any request, listing every problem with its path", async () => {
    const { client, requests } = clientAnswering({});
    client.middlewareStack.use(validation());
    const command = new CreatePipelineCommand({
      pipeline: {
        name: "app",
        roleArn: "arn:aws:iam::123456789012:role/r",
        stages: [
          { name: "Source", actions: [] },
          { name: "Build", actions: [{ name: "", actionTypeId: { category: "Build", owner: "Custom", provider: "B", version: "1" } }] },
        ],
      },
    } as any);
    const err = await client.send(command).catch((e) => e);
    expect(err).toBeInstanceOf(InputValidationError);
    expect(err.name).toBe("InputValidationError");
    expect(err.operation).toBe("CreatePipeline");
    expect(err.problems).toEqual(["pipeline.stages[1].actions[0].name: length 0 < 1"]);
    expect(err.message).toBe(
      "CreatePipeline input does not match the CodePipeline model (1 problem):\n  - pipeline.stages[1].actions[0].name: length 0 < 1",
    );
    expect(requests).toHaveLength(0);
  });

  it("reports unmodeled members by path at every depth; without the plugin the serializer drops them", async () => {
    const pipeline = {
      name: "app",
      roleArn: "arn:aws:iam::123456789012:role/r",
      artifactStore: { type: "S3", location: "bucket", region: "eu-west-1" },
      stages: [
        { name: "Source", actions: [{ name: "Get", actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1", extra: 1 }, configuration: { "Any-Key": "kept" } }] },
        { name: "Build", note: "x", actions: [{ name: "Make", actionTypeId: { category: "Build", owner: "Custom", provider: "B", version: "1" } }] },
      ],
    };
    const input = { pipeline, tags: [{ key: "k", value: "v", color: "red" }], requestedBy: "me" };
    const { client, requests } = clientAnswering({});
    client.middlewareStack.use(validation());
    const err = await client.send(new CreatePipelineCommand(input as any)).catch((e) => e);
    expect(err).toBeInstanceOf(InputValidationError);
    expect(err.problems).toEqual([
      "pipeline.artifactStore.region: unknown member of ArtifactStore",
      "pipeline.stages[0].actions[0].actionTypeId.extra: unknown member of ActionTypeId",
      'pipeline.stages[1].note: unknown member of StageDeclaration (did you mean "name"?)',
      "tags[0].color: unknown member of Tag",
      "requestedBy: unknown member of CreatePipelineInput",
    ]);
    expect(requests).toHaveLength(0);

    const plain = clientAnswering({});
    await plain.client.send(new CreatePipelineCommand(input as any));
    const sent = String(plain.requests[0]!.body);
    for (const name of ["region", "extra", "note", "color", "requestedBy"]) expect(sent).not.toContain(`"${name}"`);
    expect(sent).toContain('"Any-Key":"kept"');
  });

  it("reports misspelt members, which the serializer would drop, unless turned off", async () => {
    const { client, requests } = clientAnswering({});
    client.middlewareStack.use(validation());
    const err = await client.send(new GetPipelineCommand({ name: "app", verison: 2 } as any)).catch((e) => e);
    expect(err.problems).toEqual(['verison: unknown member of GetPipelineInput (did you mean "version"?)']);
    expect(requests).toHaveLength(0);

    const lenient = clientAnswering({});
    lenient.client.middlewareStack.use(validation({ unknownMembers: false }));
    await lenient.client.send(new GetPipelineCommand({ name: "app", verison: 2 } as any));
    expect(lenient.requests).toHaveLength(1);
  });

  it("lets a valid call through unchanged", async () => {
    const { client, requests } = clientAnswering({ pipelines: [{ name: "app", created: 1700000000 }] });
    client.middlewareStack.use(validation());
    const out = await client.send(new ListPipelinesCommand({ maxResults: 10 }));
    expect(out.pipelines?.[0]?.created).toEqual(new Date(1700000000_000));
    expect(requests).toHaveLength(1);
    expect(JSON.parse(String(requests[0]!.body))).toEqual({ maxResults: 10 });
  });

  it("with outputs: true, also checks responses", async () => {
    const { client } = clientAnswering({ pipelines: [{ name: "app", pipelineType: "V9" }] });
    client.middlewareStack.use(validation({ outputs: true }));
    const err = await client.send(new ListPipelinesCommand({})).catch((e) => e);
    expect(err).toBeInstanceOf(OutputValidationError);
    expect(err.problems).toEqual(['pipelines[0].pipelineType: "V9" is not one of: V1, V2']);

    const plain = clientAnswering({ pipelines: [{ name: "app", pipelineType: "V9" }] });
    plain.client.middlewareStack.use(validation());
    await expect(plain.client.send(new ListPipelinesCommand({}))).resolves.toMatchObject({ pipelines: [{ pipelineType: "V9" }] });
  });

  it("registers one named initialize middleware, replaced when used twice", async () => {
    const { client } = clientAnswering({ pipelines: [{ pipelineType: "V9" }] });
    client.middlewareStack.use(validation());
    client.middlewareStack.use(validation({ outputs: true }));
    await expect(client.send(new ListPipelinesCommand({}))).rejects.toThrow(OutputValidationError);
    const entries = client.middlewareStack.identify().filter((e) => e.startsWith("inputValidationMiddleware "));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toContain("initialize");
  });
});
