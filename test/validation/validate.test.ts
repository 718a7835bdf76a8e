import { describe, expect, it } from "vitest";
import { findProblems, validateShape } from "../../src/validation/index.js";
import { operations } from "../../src/generated/shapes.js";
import { samples } from "../generated/samples.js";
import { pipeline } from "../fixtures/pipeline.mjs";

/** A CreatePipeline input the service accepts: the shared pipeline, V2 and queued, with a tag. */
function goodPipeline(): any {
  return { pipeline: pipeline("app-pipeline", { pipelineType: "V2", executionMode: "QUEUED" }), tags: [{ key: "team", value: "ci" }] };
}

describe("validateShape", () => {
  it("accepts a valid input, unknown members included", () => {
    expect(validateShape("CreatePipelineInput", goodPipeline())).toEqual([]);
    expect(validateShape("CreatePipelineInput", goodPipeline(), "", { unknownMembers: true })).toEqual([]);
    expect(validateShape("ListPipelinesInput", {})).toEqual([]);
  });

  it("reports every problem with its exact path through nested lists and maps", () => {
    const input = goodPipeline();
    input.pipeline.name = "my pipeline"; // pattern
    input.pipeline.executionMode = "SEQUENTIAL"; // enum
    delete input.pipeline.roleArn; // required
    const compile = input.pipeline.stages[1].actions[0];
    compile.name = ""; // length
    compile.runOrder = 1000; // range
    compile.actionTypeId.category = "Bild"; // enum, deep
    compile.configuration = { "Project Name": "", Ok: "x".repeat(1001), ["K".repeat(51)]: "v" }; // map values and key
    input.tags = [{ key: "team" }, { key: "", value: "x" }]; // required in a list, length in a list

    expect(validateShape("CreatePipelineInput", input)).toEqual([
      'pipeline.name: "my pipeline" does not match the pattern ^[A-Za-z0-9.@\\-_]+$',
      "pipeline.roleArn: required member is missing",
      "pipeline.stages[1].actions[0].name: length 0 < 1",
      "pipeline.stages[1].actions[0].actionTypeId.category: \"Bild\" is not one of: Source, Build, Deploy, Test, Invoke, Approval, Compute",
      "pipeline.stages[1].actions[0].runOrder: value 1000 > 999",
      'pipeline.stages[1].actions[0].configuration["Project Name"]: length 0 < 1',
      "pipeline.stages[1].actions[0].configuration.Ok: length 1001 > 1000",
      `pipeline.stages[1].actions[0].configuration.${"K".repeat(51)}: key length 51 > 50`,
      'pipeline.executionMode: "SEQUENTIAL" is not one of: QUEUED, SUPERSEDED, PARALLEL',
      "tags[0].value: required member is missing",
      "tags[1].key: length 0 < 1",
    ]);
  });

  it("reports wrong types without converting anything", () => {
    expect(
      validateShape("ListPipelinesInput", { maxResults: "10", nextToken: 5 }),
    ).toEqual(["nextToken: expected a string, got number", "maxResults: expected an integer, got string"]);
    expect(validateShape("ListPipelinesInput", { maxResults: 1.5 })).toEqual(["maxResults: expected an integer, got 1.5"]);
    expect(validateShape("ListPipelinesInput", { maxResults: 0 })).toEqual(["maxResults: value 0 < 1"]);
    expect(validateShape("ListPipelinesInput", { maxResults: 1001 })).toEqual(["maxResults: value 1001 > 1000"]);
    expect(validateShape("ListPipelinesInput", "all")).toEqual(["ListPipelinesInput: expected an object (ListPipelinesInput), got string"]);
    expect(validateShape("ListPipelinesInput", [], "input")).toEqual(["input: expected an object (ListPipelinesInput), got array"]);

    const input = goodPipeline();
    input.pipeline.stages = { Source: {} };
    input.pipeline.stages2 = [];
    expect(validateShape("CreatePipelineInput", input)).toEqual(["pipeline.stages: expected an array, got object"]);
    const withNull = goodPipeline();
    withNull.pipeline.stages[0].actions.push(null);
    expect(validateShape("CreatePipelineInput", withNull)).toEqual(["pipeline.stages[0].actions[1]: expected an ActionDeclaration, got null"]);
    const withBool = goodPipeline();
    withBool.pipeline.stages[1].actions[0].configuration = ["a"];
    expect(validateShape("CreatePipelineInput", withBool)).toEqual([
      "pipeline.stages[1].actions[0].configuration: expected an object (map), got array",
    ]);
  });

  it("checks timestamps as Dates, or as epoch seconds on the wire", () => {
    const put = (created: unknown) => ({
      pipelineName: "app",
      stageName: "Source",
      actionName: "Checkout",
      actionRevision: { revisionId: "r1", revisionChangeId: "c1", created },
    });
    expect(validateShape("PutActionRevisionInput", put(new Date()))).toEqual([]);
    expect(validateShape("PutActionRevisionInput", put("2024-01-01T00:00:00Z"))).toEqual([
      "actionRevision.created: expected a Date, got string",
    ]);
    expect(validateShape("PutActionRevisionInput", put(new Date("nope")))).toEqual([
      "actionRevision.created: expected a valid Date, got an invalid Date",
    ]);
    expect(validateShape("PutActionRevisionInput", put(1700000000.5), "", { wire: true })).toEqual([]);
    expect(validateShape("PutActionRevisionInput", put(new Date()), "", { wire: true })).toEqual([
      "actionRevision.created: expected a timestamp in epoch seconds, got Date",
    ]);
  });

  it("ignores unknown members unless asked, then suggests the member meant", () => {
    const input = { name: "app", version: 2, verison: 3, Name: "x", somethingElse: true };
    expect(validateShape("GetPipelineInput", input)).toEqual([]);
    expect(validateShape("GetPipelineInput", input, "", { unknownMembers: true })).toEqual([
      'verison: unknown member of GetPipelineInput (did you mean "version"?)',
      'Name: unknown member of GetPipelineInput (did you mean "name"?)',
      "somethingElse: unknown member of GetPipelineInput",
    ]);
  });

  it("lets a required member with a model default be left out", () => {
    const input = {
      category: "Build",
      provider: "MyBuilder",
      version: "1",
      configurationProperties: [{ name: "ProjectName" }],
      inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
      outputArtifactDetails: {},
    };
    expect(validateShape("CreateCustomActionTypeInput", input)).toEqual([]);
    expect(validateShape("CreateCustomActionTypeInput", { ...input, configurationProperties: [{}] })).toEqual([
      "configurationProperties[0].name: required member is missing",
    ]);
  });

  it("counts string lengths in code points and list sizes in items", () => {
    const withValue = (v: string) => {
      const input = goodPipeline();
      input.pipeline.stages[0].actions[0].configuration = { S3Bucket: v };
      return validateShape("CreatePipelineInput", input);
    };
    expect(withValue("😀".repeat(1000))).toEqual([]);
    expect(withValue("😀".repeat(1001))).toEqual(["pipeline.stages[0].actions[0].configuration.S3Bucket: length 1001 > 1000"]);
    const vars = (n: number) => ({ name: "app", variables: Array.from({ length: n }, (_, i) => ({ name: `v${i}`, value: "x" })) });
    expect(validateShape("StartPipelineExecutionInput", vars(50))).toEqual([]);
    expect(validateShape("StartPipelineExecutionInput", vars(51))).toEqual(["variables: size 51 > 50"]);
    expect(validateShape("StartPipelineExecutionInput", vars(0))).toEqual(["variables: size 0 < 1"]);
  });

  it("can skip required members and constraints, and accept matcher values", () => {
    const input = { name: "not valid!", version: 0 };
    expect(validateShape("GetPipelineInput", input, "", { constraints: false })).toEqual([]);
    expect(validateShape("GetPipelineInput", {}, "", { required: false })).toEqual([]);
    const any = { asymmetricMatch: () => true };
    expect(validateShape("GetPipelineInput", { name: any, version: any }, "", { accept: (v) => v === any })).toEqual([]);
  });

  it("prefixes paths and returns structured problems", () => {
    expect(validateShape("Tag", { key: "" }, "tags[3]")).toEqual(["tags[3].key: length 0 < 1", "tags[3].value: required member is missing"]);
    expect(findProblems("GetPipelineInput", { version: 0 })).toEqual([
      { path: "name", code: "required", message: "required member is missing" },
      { path: "version", code: "range", message: "value 0 < 1" },
    ]);
    expect(() => validateShape("NoSuchShape", {})).toThrow(/Unknown shape "NoSuchShape"/);
  });

  it("accepts the sample input and output of every operation (types, enums, members)", () => {
    const names = Object.keys(operations);
    expect(names).toHaveLength(44);
    for (const op of names) {
      const sample = (samples as any)[op];
      const info = operations[op]!;
      const opts = { unknownMembers: true, constraints: false };
      if (info.input) {
        expect(validateShape(info.input, sample.input, "", opts), op).toEqual([]);
        expect(validateShape(info.input, sample.inputWire, "", { ...opts, wire: true }), op).toEqual([]);
      }
      if (info.output) {
        expect(validateShape(info.output, sample.output, "", opts), op).toEqual([]);
        expect(validateShape(info.output, sample.outputWire, "", { ...opts, wire: true }), op).toEqual([]);
      }
    }
  });
});
