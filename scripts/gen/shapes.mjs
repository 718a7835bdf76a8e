// src/generated/shapes.ts: the model as compact tables, for the input validator, the fake server and the stubber.
import { ALSO_SENSITIVE, enumEntries, kindOf, literal, propKey, sortBy, TRAITS } from "./lib.mjs";

const HEADER = `/**
 * The operations and shapes of the CodePipeline model as plain data. Shapes are keyed by their short name
 * (\`"com.amazonaws.codepipeline#PipelineName"\` -> \`"PipelineName"\`) and every name a table mentions is a key
 * of \`shapes\`. Only shapes reachable from an operation are listed.
 *
 * Shape entries (\`k\` is the kind; \`x: 1\` marks a sensitive shape):
 *   structure  { k, m: { member: Member }, error?: "client" | "server", status?: HTTP status }
 *   list       { k, m: element shape, min?, max? }            min/max bound the number of items
 *   map        { k, key: key shape, m: value shape, min?, max? }  min/max bound the number of entries
 *   string     { k, min?, max?, pattern? }                     min/max bound the length
 *   enum       { k, values: [...] }                            values in model order
 *   integer, long, float, double, ... { k, min?, max? }       min/max bound the value
 *   boolean, timestamp, blob, document { k }
 * Member: { t: target shape, r?: 1 required, d?: default value, x?: 1 sensitive member, i?: 1 idempotency token }
 *
 * Operation entries: { input?, output?, errors, paginated? }. \`input\` or \`output\` is absent when the
 * operation takes or returns nothing (smithy.api#Unit); \`errors\` are error shape names; \`paginated\` names
 * the members that hold the pagination tokens, the items and the page size.
 */`;

export default function generate(ctx) {
  const ids = sortBy(ctx.operationShapes, ctx.short);
  const shapes = Object.fromEntries(ids.map((id) => [ctx.short(id), shapeEntry(ctx, id)]));
  const operations = Object.fromEntries(ctx.operations.map((op) => [op.name, operationEntry(ctx, op)]));

  let out = `${ctx.marker}\n${HEADER}\n\n${TYPES}\n`;
  out += `\nexport const shapes: { [name: string]: ShapeInfo } = ${table(shapes)};\n`;
  out += `\nexport const operations: { [name: string]: OperationInfo } = ${table(operations)};\n`;
  return [{ path: "src/generated/shapes.ts", content: out }];
}

const TYPES = `export interface MemberInfo {
  t: string;
  r?: 1;
  d?: string | number | boolean;
  x?: 1;
  i?: 1;
}

export type ShapeInfo =
  | { k: "structure"; m: { [member: string]: MemberInfo }; error?: "client" | "server"; status?: number; x?: 1 }
  | { k: "list"; m: string; min?: number; max?: number; x?: 1 }
  | { k: "map"; key: string; m: string; min?: number; max?: number; x?: 1 }
  | { k: "string"; min?: number; max?: number; pattern?: string; x?: 1 }
  | { k: "enum"; values: string[]; x?: 1 }
  | { k: "intEnum"; values: number[]; x?: 1 }
  | { k: "byte" | "short" | "integer" | "long" | "float" | "double"; min?: number; max?: number; x?: 1 }
  | { k: "boolean" | "timestamp" | "blob" | "document" | "bigInteger" | "bigDecimal"; x?: 1 };

export interface OperationInfo {
  input?: string;
  output?: string;
  errors: string[];
  paginated?: { inputToken?: string; outputToken?: string; items?: string; pageSize?: string };
}`;

/** One entry per line: a key, then the entry rendered compactly. */
function table(entries) {
  const lines = Object.entries(entries).map(([k, v]) => `  ${propKey(k)}: ${literal(v, { indent: "  ", width: 1e9 })},\n`);
  return `{\n${lines.join("")}}`;
}

/** Copies the defined values of `from` onto a new object, keeping key order. */
const defined = (from) => Object.fromEntries(Object.entries(from).filter(([, v]) => v !== undefined));

function shapeEntry(ctx, id) {
  const s = ctx.shape(id);
  const t = s.traits ?? {};
  const kind = kindOf(s);
  const length = t[TRAITS.length] ?? {};
  const range = t[TRAITS.range] ?? {};
  const x = t[TRAITS.sensitive] || ALSO_SENSITIVE.has(id) ? 1 : undefined;
  switch (kind) {
    case "structure":
      return defined({
        k: kind,
        m: Object.fromEntries(Object.entries(s.members ?? {}).map(([name, m]) => [name, memberEntry(ctx, m)])),
        error: t[TRAITS.error],
        status: t[TRAITS.httpError],
        x,
      });
    case "list":
      return defined({ k: kind, m: ctx.short(s.member.target), min: length.min, max: length.max, x });
    case "map":
      return defined({ k: kind, key: ctx.short(s.key.target), m: ctx.short(s.value.target), min: length.min, max: length.max, x });
    case "string":
      return defined({ k: kind, min: length.min, max: length.max, pattern: t[TRAITS.pattern], x });
    case "enum":
    case "intEnum":
      return defined({ k: kind, values: enumEntries(s).map(([, v]) => v), x });
    case "byte":
    case "short":
    case "integer":
    case "long":
    case "float":
    case "double":
      return defined({ k: kind, min: range.min, max: range.max, x });
    case "boolean":
    case "timestamp":
    case "blob":
    case "document":
    case "bigInteger":
    case "bigDecimal":
      return defined({ k: kind, x });
    default:
      throw new Error(`shapes.mjs: shape ${id} has type "${s.type}", which the tables do not describe yet.`);
  }
}

function memberEntry(ctx, m) {
  const t = m.traits ?? {};
  return defined({
    t: ctx.short(m.target),
    r: t[TRAITS.required] ? 1 : undefined,
    d: t[TRAITS.default] ?? undefined,
    x: t[TRAITS.sensitive] ? 1 : undefined,
    i: t[TRAITS.idempotencyToken] ? 1 : undefined,
  });
}

function operationEntry(ctx, op) {
  const [input, output] = [ctx.inputOf(op), ctx.outputOf(op)];
  const p = ctx.paginated(op);
  return defined({
    input: ctx.isUnit(input) ? undefined : ctx.short(input),
    output: ctx.isUnit(output) ? undefined : ctx.short(output),
    errors: ctx.errorsOf(op).map(ctx.short),
    paginated: p && defined({ inputToken: p.inputToken, outputToken: p.outputToken, items: p.items, pageSize: p.pageSize }),
  });
}
