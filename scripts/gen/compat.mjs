// Generates test/generated/compat-types.ts: a type-level check of every public name of
// @aws-sdk/client-codepipeline that users touch (the list in test/compat/v3-surface.txt) against our package.
// The file is only type-checked (`tsc -p test/tsconfig.json`), never run: a mismatch fails the type-check
// at the line of the name concerned.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compare, lowerFirst } from "./lib.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SURFACE_FILE = "test/compat/v3-surface.txt";

/** The rows of the surface list: `{ name, kind, group }`. */
export function readSurface(text = readFileSync(join(root, SURFACE_FILE), "utf8")) {
  return text
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => {
      const [name, kind, group] = l.split("\t");
      return { name, kind, group };
    })
    .sort((a, b) => compare(a.name, b.name));
}

const HEADER = `/**
 * Type-level parity with @aws-sdk/client-codepipeline (O = this package, V = the official client), one block per
 * public name of ${SURFACE_FILE}. Checked by \`tsc -p test/tsconfig.json\`; never executed.
 * - model types reachable from an input, and command inputs: assignable both ways;
 * - model types only found in outputs: ours assignable to v3's;
 * - outputs (command outputs and \`ServiceOutputTypes\`): ours assignable to v3's;
 * - enums: the const objects and the union types, both ways;
 * - commands: v3 input accepted by our constructor, and \`client.send\` resolves to something v3's output type accepts;
 * - the aggregated client: each method takes v3's input and resolves to v3's output type;
 * - paginators: take our client and v3's input, and yield v3's output type;
 * - exceptions: our instances are v3 instances (type-wise), and v3's constructor options are accepted.
 */`;

/** The check of one surface row, as TypeScript source. `inInput(name)`: the shape is reachable from an input. */
function check({ name, group }, inInput) {
  const fn = `check_${name.replace(/\W/g, "_")}`;
  switch (group) {
    case "model-type":
      // Shapes only ever returned by the service may type members that are always present as required.
      return inInput(name)
        ? `export const ${fn} = (o: O.${name}, v: V.${name}): [V.${name}, O.${name}] => [o, v];`
        : `export const ${fn} = (o: O.${name}): V.${name} => o;`;
    case "command-io-type":
      return name.endsWith("Output")
        ? `export const ${fn} = (o: O.${name}): V.${name} => o;`
        : `export const ${fn} = (o: O.${name}, v: V.${name}): [V.${name}, O.${name}] => [o, v];`;
    case "enum":
      return [
        `export const ${fn} = (o: typeof O.${name}, v: typeof V.${name}): [typeof V.${name}, typeof O.${name}] => [o, v];`,
        `export const ${fn}_type = (o: O.${name}, v: V.${name}): [V.${name}, O.${name}] => [o, v];`,
      ].join("\n");
    case "command": {
      const op = name.slice(0, -"Command".length);
      return [
        `export const ${fn} = (c: O.CodePipelineClient, i: V.${op}CommandInput): Promise<V.${op}CommandOutput> =>`,
        `  c.send(new O.${name}(i));`,
        `export const ${fn}_input = (cmd: O.${name}): V.${op}CommandInput => cmd.input;`,
        `export const ${fn}_output = (o: O.${op}CommandOutput): O.ServiceOutputTypes => o;`,
      ].join("\n");
    }
    case "exception":
      return [
        `export const ${fn} = (e: O.${name}): V.${name} => e;`,
        `export const ${fn}_new = (opts: ConstructorParameters<typeof V.${name}>[0]): O.${name} => new O.${name}(opts);`,
        `export const ${fn}_fault = (e: O.${name}): "client" => e.$fault;`,
      ].join("\n");
    case "service-exception-base":
      return `export const ${fn} = (e: O.${name}): V.${name} => e;`;
    case "paginator": {
      const op = name.slice("paginate".length);
      return [
        `export const ${fn} = (c: O.CodePipelineClient, i: V.${op}CommandInput): AsyncIterable<V.${op}CommandOutput> =>`,
        `  O.${name}({ client: c, pageSize: 10 }, i);`,
      ].join("\n");
    }
    case "client":
      return [
        `export const ${fn} = (): O.${name} => new O.${name}({ region: "us-east-1" });`,
        `export const ${fn}_noargs = (): O.${name} => new O.${name}();`,
      ].join("\n");
    case "aggregated-client":
      return `export const ${fn} = (): O.${name} => new O.${name}({ region: "us-east-1" });`;
    case "config/client-type":
      if (["ServiceInputTypes", "__MetadataBearer", "CodePipelineRequestOptions", "RuntimeExtension"].includes(name))
        return `export const ${fn} = (o: O.${name}, v: V.${name}): [V.${name}, O.${name}] => [o, v];`;
      if (name === "ServiceOutputTypes") return `export const ${fn} = (o: O.${name}): V.${name} => o;`;
      // Options objects users write: v3's are accepted.
      if (name === "CodePipelinePaginationConfiguration")
        return `export const ${fn} = (v: V.${name}): O.${name} => v;`;
      return `export type ${fn} = O.${name};`;
    default:
      throw new Error(`compat.mjs: no check for group "${group}" (${name})`);
  }
}

/** One method check per command, for the aggregated client. */
function aggregatedMethods(rows) {
  return rows
    .filter((r) => r.group === "command")
    .map((r) => {
      const op = r.name.slice(0, -"Command".length);
      return `export const method_${lowerFirst(op)} = (c: O.CodePipeline, i: V.${op}CommandInput): Promise<V.${op}CommandOutput> =>\n  c.${lowerFirst(op)}(i);`;
    });
}

export default function generate(ctx) {
  const rows = readSurface();
  const ns = ctx.serviceId.slice(0, ctx.serviceId.indexOf("#") + 1);
  const inInput = (name) => ctx.inputShapes.has(ns + name);
  let out = `${ctx.marker}\n${HEADER}\nimport type * as V from "@aws-sdk/client-codepipeline";\nimport * as O from "../../src/index.js";\n\n`;
  out += rows.map((r) => `// ${r.name}: ${r.kind} (${r.group})\n${check(r, inInput)}\n`).join("\n");
  out += `\n// The aggregated client's methods\n${aggregatedMethods(rows).join("\n")}\n`;
  out += `\n/** Names checked above. */\nexport const checkedNames = ${rows.length};\n`;
  return [{ path: "test/generated/compat-types.ts", content: out }];
}
