// The hover text pipeline: description files are parsed, checked against the model and end up in the generated code.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const load = async (rel: string): Promise<any> => import(pathToFileURL(join(root, rel)).href);
const ALL = new Set(["operation", "structure", "error", "enum"]);

/** A model with one operation, its input and output, a nested structure, an enum and an error. */
const tinyModel = {
  smithy: "2.0",
  shapes: {
    "x#Svc": { type: "service", version: "1", operations: [{ target: "x#GetThing" }] },
    "x#GetThing": {
      type: "operation",
      input: { target: "x#GetThingInput" },
      output: { target: "x#GetThingOutput" },
      errors: [{ target: "x#ThingNotFoundException" }],
    },
    "x#GetThingInput": { type: "structure", members: { name: { target: "smithy.api#String" } } },
    "x#GetThingOutput": { type: "structure", members: { thing: { target: "x#Thing" } } },
    "x#Thing": { type: "structure", members: { color: { target: "x#Color" }, size: { target: "smithy.api#Integer" } } },
    "x#Color": { type: "enum", members: { RED: { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": "red" } } } },
    "x#ThingNotFoundException": {
      type: "structure",
      traits: { "smithy.api#error": "client" },
      members: { message: { target: "smithy.api#String" } },
    },
  },
};

describe("description files", () => {
  it("split into the shape's text and one section per member, flagging repeated sections", async () => {
    const { parseDescription } = await load("scripts/gen/descriptions.mjs");
    const d = parseDescription("About the shape.\n\nMore.\n\n## a\nText of a.\n\n## b\nText of b.\n## a\nagain\n");
    expect(d.body).toBe("About the shape.\n\nMore.");
    expect([...d.sections.keys()]).toEqual(["a", "b"]);
    expect(d.sections.get("b")).toBe("Text of b.");
    expect(d.duplicates).toEqual(["a"]);
  });

  it("are re-wrapped at 100 columns, keeping paragraphs apart and list items as written", async () => {
    const { toDocLines } = await load("scripts/gen/descriptions.mjs");
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const lines: string[] = toDocLines(`${long}\n\n- one\n- two`);
    expect(lines.slice(0, -3).every((l) => l.length <= 100 && l.length > 0)).toBe(true);
    expect(lines.slice(0, -3).join(" ")).toBe(long);
    expect(lines.slice(-3)).toEqual(["", "- one", "- two"]);
  });
});

/** The description helpers and a generator context of the tiny model. */
const tiny = async () => ({
  ...(await load("scripts/gen/descriptions.mjs")),
  ctx: (await load("scripts/gen/lib.mjs")).createContext(tinyModel),
});

describe("the hover check", () => {
  it("names every operation, shape, member and enum value without text, and every misnamed file or section", async () => {
    const { checkDescriptions, parseDescription, shapeDoc, ctx } = await tiny();
    const files = new Map([
      ["GetThing", parseDescription("Reads a thing.")],
      ["GetThingInput", parseDescription("## name\nThe thing's name.\n\n## nmae\ntypo")],
      ["Thing", parseDescription("A thing.\n\n## color\nIts color.")],
      ["Thingy", parseDescription("Nothing has this name.")],
    ]);
    expect(checkDescriptions(ctx, files, ALL)).toEqual([
      "no text for enum Color",
      "no text for enum value Color.RED",
      "no text for member GetThingOutput.thing",
      "no text for member Thing.size",
      "no text for error ThingNotFoundException",
      'smithy/descriptions/GetThingInput.md has a section "nmae", which GetThingInput does not have',
      "smithy/descriptions/Thingy.md describes Thingy, which is not a public operation or shape",
    ]);
  });

  it("passes when everything has text; an input or output structure may leave its paragraph to the generator", async () => {
    const { checkDescriptions, parseDescription, shapeDoc, ctx } = await tiny();
    const files = new Map([
      ["Color", parseDescription("A color.\n\n## RED\nRed.")],
      ["GetThing", parseDescription("Reads a thing.")],
      ["GetThingInput", parseDescription("## name\nThe thing's name.")],
      ["GetThingOutput", parseDescription("## thing\nThe thing.")],
      ["Thing", parseDescription("A thing.\n\n## color\nIts color.\n\n## size\nIts size in meters.")],
      ["ThingNotFoundException", parseDescription("No such thing.")],
    ]);
    expect(checkDescriptions(ctx, files, ALL)).toEqual([]);
    expect(shapeDoc(ctx, "GetThingInput")).toEqual(["The input of the `GetThing` operation (`GetThingCommand`)."]);
  });
});

describe("generated code", () => {
  const dir = join(root, "smithy", "descriptions");
  const operations = readdirSync(dir)
    .map((f) => f.replace(/\.md$/, ""))
    .filter((name) => existsSync(join(root, "commands", `${name}Command.ts`)));

  it("has a description for each of the 44 operations", () => {
    expect(operations).toHaveLength(44);
  });

  it.each(operations)("puts the text of %s.md on its command and its CodePipeline method", async (name) => {
    const text = readFileSync(join(dir, `${name}.md`), "utf8");
    const firstWords = text.split(/\s+/).slice(0, 6).join(" ");
    const comment = (source: string, before: string) => {
      const end = source.indexOf(before);
      return source.slice(source.lastIndexOf("/**", end), end).replace(/\n\s*\* ?/g, " ");
    };
    const command = readFileSync(join(root, "commands", `${name}Command.ts`), "utf8");
    expect(comment(command, `export class ${name}Command `)).toContain(firstWords);
    const client = readFileSync(join(root, "src", "generated", "CodePipeline.ts"), "utf8");
    const method = name.charAt(0).toLowerCase() + name.slice(1);
    expect(comment(client, `  ${method}(`)).toContain(firstWords);
  });
});

describe("editor hovers", () => {
  /** Quick info documentation, as an editor shows it, at the end of each `needle` in a consumer file. */
  async function hovers(source: string, needles: string[]): Promise<string[]> {
    const ts = (await import("typescript")).default;
    const file = join(root, "test", "generator", "__hover_consumer.ts");
    const read = (f: string) => (f === file ? source : ts.sys.readFile(f));
    const host: import("typescript").LanguageServiceHost = {
      getScriptFileNames: () => [file],
      getScriptVersion: () => "1",
      getScriptSnapshot: (f) => {
        const text = read(f);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => root,
      getCompilationSettings: () => ({
        strict: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
      }),
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => f === file || ts.sys.fileExists(f),
      readFile: read,
    };
    const service = ts.createLanguageService(host);
    return needles.map((needle) => {
      const at = source.indexOf(needle) + needle.length - 1;
      return ts.displayPartsToString(service.getQuickInfoAtPosition(file, at)?.documentation).replace(/\s+/g, " ");
    });
  }
  const words = (name: string, section?: string) => {
    const text = readFileSync(join(root, "smithy", "descriptions", `${name}.md`), "utf8");
    const part = section ? text.split(`## ${section}\n`)[1]! : text;
    return part.split(/\s+/).filter(Boolean).slice(0, 5).join(" ");
  };

  it("show our text on a method, a command, a member, an enum value and an error class", async () => {
    const source = [
      `import { CodePipeline, GetPipelineCommand, ExecutionMode, PipelineNotFoundException } from "../../src/index.js";`,
      `declare const client: CodePipeline;`,
      `const out = await client.getPipeline({ name: "p" });`,
      `out.pipeline?.executionMode;`,
      `new GetPipelineCommand({ name: "p" });`,
      `ExecutionMode.QUEUED;`,
      `PipelineNotFoundException.name;`,
    ].join("\n");
    const needles = ["client.getPipeline", "?.executionMode", "new GetPipelineCommand", ".QUEUED", "\nPipelineNotFoundException"];
    const docs = await hovers(source, needles);
    expect(docs[0]).toContain(words("GetPipeline"));
    expect(docs[1]).toContain(words("PipelineDeclaration", "executionMode"));
    expect(docs[2]).toContain(words("GetPipeline"));
    expect(docs[3]).toContain(words("ExecutionMode", "QUEUED"));
    expect(docs[4]).toContain(words("PipelineNotFoundException"));
  }, 60_000);
});
