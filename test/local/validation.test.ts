/**
 * The local endpoint validates every input against the model and answers one ValidationException
 * listing each problem with its path, before the operation runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../src/index.js";
import type { LocalCodePipeline } from "../../src/local/index.js";
import { ROLE, pipeline, rejection, setup } from "./fixtures.js";

let local: LocalCodePipeline;
let client: C.CodePipelineClient;

beforeAll(async () => {
  ({ local, client } = await setup());
});
afterAll(async () => {
  client?.destroy();
  await local?.close();
});

/** The problems a ValidationException lists. */
const problems = (e: Error): string[] => {
  const m = /^(\d+) validation errors? detected: (.*)$/s.exec(e.message);
  if (!m) throw new Error(`not a validation message: ${e.message}`);
  const list = m[2]!.split("; ");
  expect(list).toHaveLength(Number(m[1]));
  return list;
};

describe("ValidationException", () => {
  it("lists every problem of a pipeline declaration with its path, and creates nothing", async () => {
    const decl = pipeline("bad name!");
    decl.roleArn = undefined;
    decl.stages![1]!.actions![0]!.name = "";
    decl.stages![1]!.actions![0]!.runOrder = 1000;
    decl.stages![2]!.actions![0]!.actionTypeId!.category = "Review" as never;
    decl.artifactStore = { type: "S3", location: "x" };
    const e = await rejection(client.send(new C.CreatePipelineCommand({ pipeline: decl })), C.ValidationException);
    expect(problems(e).sort()).toEqual(
      [
        'pipeline.name: "bad name!" does not match the pattern ^[A-Za-z0-9.@\\-_]+$',
        "pipeline.roleArn: required member is missing",
        "pipeline.artifactStore.location: length 1 < 3",
        "pipeline.stages[1].actions[0].name: length 0 < 1",
        "pipeline.stages[1].actions[0].runOrder: value 1000 > 999",
        'pipeline.stages[2].actions[0].actionTypeId.category: "Review" is not one of: Source, Build, Deploy, Test, Invoke, Approval, Compute',
      ].sort(),
    );
    await rejection(client.send(new C.GetPipelineCommand({ name: "bad name!" })), C.ValidationException);
    expect((await client.send(new C.ListPipelinesCommand({}))).pipelines).toEqual([]);
  });

  it("reports a single problem in the singular", async () => {
    const e = await rejection(client.send(new C.GetPipelineStateCommand({ name: "" })), C.ValidationException);
    expect(e.message).toBe("1 validation error detected: name: length 0 < 1");
  });

  it("checks types, ranges, enum values and patterns of any operation", async () => {
    const types = await rejection(client.send(new C.ListPipelinesCommand({ maxResults: "ten" as never })), C.ValidationException);
    expect(problems(types)).toEqual([expect.stringMatching(/^maxResults: expected an integer/)]);
    const range = await rejection(client.send(new C.ListPipelineExecutionsCommand({ pipelineName: "p", maxResults: 0 })), C.ValidationException);
    expect(problems(range)).toEqual(["maxResults: value 0 < 1"]);
    const enumValue = await rejection(
      client.send(new C.EnableStageTransitionCommand({ pipelineName: "p", stageName: "s", transitionType: "Sideways" as never })),
      C.ValidationException,
    );
    expect(problems(enumValue)).toEqual(['transitionType: "Sideways" is not one of: Inbound, Outbound']);
    const pattern = await rejection(
      client.send(new C.GetPipelineExecutionCommand({ pipelineName: "p", pipelineExecutionId: "not-an-id" })),
      C.ValidationException,
    );
    expect(problems(pattern)).toEqual([expect.stringMatching(/^pipelineExecutionId: "not-an-id" does not match the pattern/)]);
    const required = await rejection(client.send(new C.PutApprovalResultCommand({} as never)), C.ValidationException);
    expect(problems(required).sort()).toEqual(
      ["actionName", "pipelineName", "result", "stageName", "token"].map((m) => `${m}: required member is missing`),
    );
  });

  it("checks map keys and nested lists", async () => {
    const e = await rejection(
      client.send(
        new C.CreatePipelineCommand({
          pipeline: {
            name: "maps",
            roleArn: ROLE,
            artifactStores: { "": { type: "S3", location: "bucket" } },
            stages: [],
            variables: [{ name: "has space" }],
          },
        }),
      ),
      C.ValidationException,
    );
    const list = problems(e);
    expect(list.some((p) => p.startsWith('pipeline.artifactStores[""]'))).toBe(true);
    expect(list.some((p) => p.startsWith("pipeline.variables[0].name:"))).toBe(true);
  });
});
