// models/models.ts (structure interfaces), models/enums.ts, models/errors.ts and models/index.ts.
import { memberDoc, paragraphs, shapeDoc } from "./descriptions.mjs";
import { docComment, enumEntries, importStatement, kindOf, propKey, sortBy, TRAITS } from "./lib.mjs";

export default function generate(ctx) {
  return [
    { path: "models/models.ts", content: modelsFile(ctx) },
    { path: "models/enums.ts", content: enumsFile(ctx) },
    { path: "models/errors.ts", content: errorsFile(ctx) },
    {
      path: "models/index.ts",
      content: `${ctx.marker}\nexport * from "./models.js";\nexport * from "./enums.js";\nexport * from "./errors.js";\n`,
    },
  ];
}

/** Ids of the operation shapes of one kind, sorted by short name. */
const idsOf = (ctx, test) => sortBy([...ctx.operationShapes].filter((id) => test(ctx.shapes[id])), ctx.short);

/**
 * Member lines of an interface. Members of shapes reachable from an input are typed like v3 (`T | undefined`,
 * required ones without `?`), so v3 inputs and ours are assignable both ways; output-only required members are `T`.
 */
function memberLines(ctx, id, { readonlyDeclare = false, skip = [] } = {}) {
  const fromInput = ctx.inputShapes.has(id);
  const members = Object.entries(ctx.shapes[id].members ?? {}).filter(([name]) => !skip.includes(name));
  return members.map(([name, m]) => {
    const type = ctx.tsType(m.target);
    const decl = readonlyDeclare ? "declare readonly " : "";
    const line = ctx.isRequired(m)
      ? `${decl}${propKey(name)}: ${fromInput ? `${type} | undefined` : type};`
      : `${decl}${propKey(name)}?: ${type} | undefined;`;
    const facts = ctx.memberDocLines(m);
    const oneLine = facts.join(" ");
    const doc = paragraphs(memberDoc(ctx.short(id), name), oneLine.length <= 90 ? [oneLine].filter(Boolean) : facts);
    return docComment(doc, "  ") + `  ${line}\n`;
  });
}

function modelsFile(ctx) {
  const ids = idsOf(ctx, (s) => s.type === "structure" && !s.traits?.[TRAITS.error]);
  const enums = sortBy(new Set(ids.flatMap((id) => ctx.enumTypesUsedBy(id))));
  let out = `${ctx.marker}\n`;
  if (enums.length) out += importStatement(enums, "./enums.js", { typeOnly: true });
  for (const id of ids) {
    const members = memberLines(ctx, id);
    out += "\n" + docComment(shapeDoc(ctx, ctx.short(id)));
    out += `export interface ${ctx.short(id)} {${members.length ? "\n" + members.join("") : ""}}\n`;
  }
  return out;
}

function enumsFile(ctx) {
  const ids = idsOf(ctx, (s) => kindOf(s) === "enum" || s.type === "intEnum");
  let out = `${ctx.marker}\n`;
  for (const id of ids) {
    const name = ctx.short(id);
    const entries = sortBy(enumEntries(ctx.shapes[id]), ([key]) => key);
    const doc = docComment(paragraphs(shapeDoc(ctx, name), [`Values of \`${name}\`.`]));
    const value = ([k, v]) => docComment(memberDoc(name, k), "  ") + `  ${propKey(k)}: ${JSON.stringify(v)},\n`;
    const values = entries.map(value);
    out += `\n${doc}export const ${name} = {\n${values.join("")}} as const;\n`;
    out += `${doc}export type ${name} = (typeof ${name})[keyof typeof ${name}];\n`;
  }
  return out;
}

function errorsFile(ctx) {
  // `message` is already declared by Error; any other modeled member is declared on the class.
  const ids = ctx.errorIds;
  const options = { readonlyDeclare: true, skip: ["message"] };
  const typesNeeded = new Set();
  for (const id of ids) {
    for (const [name, m] of Object.entries(ctx.shapes[id].members ?? {})) {
      if (name === "message") continue;
      for (const t of ctx.tsType(m.target).match(/\b[A-Z]\w*/g) ?? []) {
        if (!["Date", "Record", "Uint8Array"].includes(t)) typesNeeded.add(t);
      }
    }
  }
  let out = `${ctx.marker}\n`;
  out += `import { CodePipelineServiceException, type ServiceExceptionOptions } from "../src/exception.js";\n`;
  if (typesNeeded.size) out += importStatement(sortBy(typesNeeded), "./index.js", { typeOnly: true });
  for (const id of ids) {
    const name = ctx.short(id);
    const s = ctx.shapes[id];
    const fault = s.traits[TRAITS.error];
    const status = s.traits[TRAITS.httpError];
    const members = memberLines(ctx, id, options);
    const fact = `The service error \`${name}\` (${fault} fault${status ? `, HTTP status ${status}` : ""}).`;
    out += "\n" + docComment(paragraphs(shapeDoc(ctx, name), [fact]));
    out += `export class ${name} extends CodePipelineServiceException {\n`;
    // Types only: the base constructor sets both from the options below (no class fields, fewer bytes).
    out += `  declare readonly name: ${JSON.stringify(name)};\n`;
    out += `  declare readonly $fault: ${JSON.stringify(fault)};\n`;
    out += members.join("");
    // (no `= {}` default: spreading an absent options object gives nothing)
    out += `  constructor(opts?: ServiceExceptionOptions) {\n`;
    out += `    super({ ...opts, name: ${JSON.stringify(name)}, $fault: ${JSON.stringify(fault)} });\n`;
    out += `  }\n}\n`;
  }
  return out;
}
