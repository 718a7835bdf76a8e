// commands/<Op>Command.ts, commands/index.ts, src/generated/CodePipeline.ts and src/generated/paginators.ts.
import { shapeDoc } from "./descriptions.mjs";
import { apiReferenceUrl, code, docComment, importStatement, literal, lowerFirst } from "./lib.mjs";
import { tableName } from "./wire.mjs";

export default function generate(ctx) {
  const ops = ctx.operations.map((op) => describe(ctx, op));
  return [
    ...ops.map((o) => ({ path: `commands/${o.command}.ts`, content: commandFile(ctx, o) })),
    {
      path: "commands/index.ts",
      content: ctx.marker + "\n" + ops.map((o) => `export * from "./${o.command}.js";\n`).join(""),
    },
    { path: "src/generated/CodePipeline.ts", content: aggregatedClientFile(ctx, ops) },
    { path: "src/generated/paginators.ts", content: paginatorsFile(ctx, ops) },
  ];
}

/** Everything the templates need to know about one operation. */
function describe(ctx, op) {
  const input = ctx.inputOf(op);
  const output = ctx.outputOf(op);
  const errors = ctx.errorsOf(op).map(ctx.short);
  return {
    name: op.name,
    command: `${op.name}Command`,
    input: ctx.isUnit(input) ? undefined : ctx.short(input),
    output: ctx.isUnit(output) ? undefined : ctx.short(output),
    optionalInput: ctx.isUnit(input) || !ctx.hasRequiredMembers(input),
    errors,
    faults: ctx.errorsOf(op).map((id) => ctx.shape(id).traits["smithy.api#error"]),
    spec: {
      name: op.name,
      errors: errors.map(code), // the error classes, referenced by name
      ...(ctx.isUnit(input) ? {} : { input: code(tableName(ctx, input)) }),
      ...(ctx.isUnit(output) ? { noOutput: true } : optional("output", ctx.hints(output))),
      ...optional("idempotencyToken", ctx.idempotencyMember(op)),
    },
    paginated: ctx.paginated(op),
    text: shapeDoc(ctx, op.name),
  };
}

const optional = (key, value) => (value === undefined ? {} : { [key]: value });

function commandFile(ctx, o) {
  const modelTypes = [o.input, o.output].filter(Boolean);
  const inputType = `${o.command}Input`;
  const outputType = `${o.command}Output`;
  const spec = literal(o.spec);
  const doc = [
    ...(o.text.length ? o.text : [`Sends the \`${o.name}\` operation.`]),
    "",
    ...o.errors.map((e, i) => `@throws {@link ${e}} (${o.faults[i]} fault)`),
    "@throws `CodePipelineServiceException` for any other error the service returns.",
    `@see ${apiReferenceUrl(o.name)}`,
  ];
  let out = `${ctx.marker}\n`;
  out += `import type { MetadataBearer } from "@smithy/types";\n`;
  out += `import { Command } from "../src/command.js";\n`;
  out += `import type { OperationSpec } from "../src/operation.js";\n`;
  if (modelTypes.length) out += `import type { ${modelTypes.join(", ")} } from "../models/models.js";\n`;
  if (o.errors.length) out += importStatement(o.errors, "../models/errors.js");
  if (o.input) out += `import { ${o.spec.input.text} } from "../src/generated/wire.js";\n`;
  out += "\n";
  out += `/** The input of {@link ${o.command}}${o.input ? `: the members of {@link ${o.input}}` : " (no members)"}. */\n`;
  out += `export interface ${inputType}${o.input ? ` extends ${o.input}` : ""} {}\n`;
  const outputDoc = o.output ? `the members of {@link ${o.output}} and \`$metadata\`` : "only `$metadata`";
  out += `/** The output of {@link ${o.command}}: ${outputDoc}. */\n`;
  out += `export interface ${outputType} extends ${o.output ? `${o.output}, ` : ""}MetadataBearer {}\n`;
  out += `\nconst op: OperationSpec = ${spec};\n\n`;
  out += docComment(doc);
  out += `export class ${o.command} extends Command<${inputType}, ${outputType}> {\n`;
  out += o.optionalInput
    ? `  constructor(...[input]: [] | [${inputType}]) {\n`
    : `  constructor(input: ${inputType}) {\n`;
  out += `    super(input, op);\n  }\n}\n`;
  return out;
}

function aggregatedClientFile(ctx, ops) {
  const paged = ops.filter((o) => o.paginated);
  let out = `${ctx.marker}\n`;
  out += `import type { PaginationConfiguration, Paginator } from "@smithy/types";\n`;
  out += `import { CodePipelineClient } from "../client.js";\n`;
  out += `import type { Callback, SendOptions } from "../config.js";\n`;
  for (const o of ops) {
    out += `import { ${o.command}, type ${o.command}Input, type ${o.command}Output } from "../../commands/${o.command}.js";\n`;
  }
  if (paged.length) out += importStatement(paged.map((o) => `paginate${o.name}`), "./paginators.js");
  out += `\n/** A client with one method per CodePipeline operation and one per paginated operation. */\n`;
  out += `export class CodePipeline extends CodePipelineClient {\n`;
  out += ops.map((o) => method(o)).join("\n");
  for (const o of paged) out += "\n" + paginateMethod(o);
  out += `}\n`;
  return out;
}

function method(o) {
  const m = lowerFirst(o.name);
  const [In, Out] = [`${o.command}Input`, `${o.command}Output`];
  const lines = o.text.length
    ? [...o.text, "", `Sends {@link ${o.command}}.`]
    : [`Sends the \`${o.name}\` operation; see {@link ${o.command}}.`];
  let out = docComment([...lines, `@see ${apiReferenceUrl(o.name)}`], "  ");
  if (o.optionalInput) out += `  ${m}(): Promise<${Out}>;\n`;
  out += `  ${m}(args: ${In}, options?: SendOptions): Promise<${Out}>;\n`;
  out += `  ${m}(args: ${In}, cb: Callback<${Out}>): void;\n`;
  out += `  ${m}(args: ${In}, options: SendOptions, cb: Callback<${Out}>): void;\n`;
  out += `  ${m}(args${o.optionalInput ? "?" : ""}: ${In}, options?: any, cb?: any): any {\n`;
  out += `    return this.send(new ${o.command}(args${o.optionalInput ? "!" : ""}), options, cb) as any;\n  }\n`;
  return out;
}

function paginateMethod(o) {
  const [In, Out] = [`${o.command}Input`, `${o.command}Output`];
  const args = o.optionalInput ? `args: ${In} = {}` : `args: ${In}`;
  let out = docComment([`Pages through \`${o.name}\`; see {@link ${o.command}}.`], "  ");
  out += `  paginate${o.name}(${args}, config: Omit<PaginationConfiguration, "client"> = {}): Paginator<${Out}> {\n`;
  out += `    return paginate${o.name}({ ...config, client: this }, args);\n  }\n`;
  return out;
}

function paginatorsFile(ctx, ops) {
  const paged = ops.filter((o) => o.paginated);
  let out = `${ctx.marker}\n`;
  out += `import { createPaginator } from "../pagination.js";\n`;
  for (const o of paged) out += `import { ${o.command} } from "../../commands/${o.command}.js";\n`;
  for (const o of paged) {
    const p = o.paginated;
    const params = [p.inputToken, p.outputToken, p.items, p.pageSize];
    while (params.length && params[params.length - 1] === undefined) params.pop();
    const args = [o.command, ...params.map((x) => (x === undefined ? "undefined" : JSON.stringify(x)))].join(", ");
    out += `\n/** Pages through \`${o.name}\`, yielding one output per page. */\n`;
    out += `export const paginate${o.name} = /* @__PURE__ */ createPaginator(${args});\n`;
  }
  return out;
}
