// test/generated/samples.ts: one deterministic, fully populated input and output per operation,
// each with the JSON the service sends or receives for it.
import { code, enumEntries, kindOf, literal, propKey } from "./lib.mjs";

/** First timestamp of a sample; each further timestamp is one second later. */
const FIRST_MS = 1700000000500;
/** A structure that is already on the path is expanded again only while the path is shorter than this. */
const MAX_RECURSION_DEPTH = 6;

const HEADER = `/**
 * One sample per operation, with every member set (recursively):
 * - \`input\` / \`output\`: the values as users see them (timestamps as \`Date\`);
 * - \`inputWire\` / \`outputWire\`: the JSON body the service receives / sends (timestamps as epoch seconds).
 * Strings are built from member names and fit their length limits (patterns are not honoured), enums take
 * their first value, numbers sit inside their range, lists have 1 or 2 items and maps one entry.
 */`;

export default function generate(ctx) {
  let out = `${ctx.marker}\nimport type * as M from "../../models/models.js";\n\n${HEADER}\nexport const samples = {\n`;
  for (const op of ctx.operations) {
    const input = sampleOf(ctx, ctx.inputOf(op));
    const output = sampleOf(ctx, ctx.outputOf(op));
    const entry = (key, value, type) => {
      const text = literal(value, { indent: "    ", width: 110 });
      return `    ${key}: ${text}${type ? ` satisfies M.${type}` : ""},\n`;
    };
    out += `  ${propKey(op.name)}: {\n`;
    out += entry("input", input.value, input.type);
    out += entry("inputWire", input.wire);
    out += entry("output", output.value, output.type);
    out += entry("outputWire", output.wire);
    out += `  },\n`;
  }
  out += `};\n\nexport type SampleOperation = keyof typeof samples;\n`;
  const errors = Object.fromEntries(ctx.operations.map((op) => [op.name, ctx.errorsOf(op).map(ctx.short)]));
  out += `\n/** Modeled error names of each operation, sorted. */\n`;
  out += `export const errorsByOperation: { [operation: string]: string[] } = ${literal(errors, { width: 110 })};\n`;
  return [{ path: "test/generated/samples.ts", content: out }];
}

/** `{ value, wire, type }` for an operation's input or output shape (`{}` when it is smithy.api#Unit). */
function sampleOf(ctx, id) {
  if (ctx.isUnit(id)) return { value: {}, wire: {} };
  const [value, wire] = build(ctx, id, ctx.short(id), { clock: 0 }, []);
  return { value, wire, type: ctx.short(id) };
}

const clamp = (n, { min, max } = {}) => Math.min(Math.max(n, min ?? -Infinity), max ?? Infinity);

function fit(text, { min = 0, max } = {}) {
  const padded = text.length < min ? text.padEnd(min, "x") : text;
  return max === undefined ? padded : padded.slice(0, max);
}

/** Returns `[value, wire]` for a shape; `name` seeds strings; `path` holds the structures above this one. */
function build(ctx, id, name, state, path) {
  const s = ctx.shape(id);
  const traits = s.traits ?? {};
  const length = traits["smithy.api#length"];
  switch (kindOf(s)) {
    case "structure": {
      const value = {};
      const wire = {};
      for (const [member, m] of Object.entries(s.members ?? {})) {
        if (path.includes(m.target) && path.length >= MAX_RECURSION_DEPTH) continue;
        [value[member], wire[member]] = build(ctx, m.target, member, state, [...path, id]);
      }
      return [value, wire];
    }
    case "list": {
      const element = ctx.shape(s.member.target);
      const count = clamp(element.type === "structure" ? 1 : 2, length);
      const pairs = Array.from({ length: count }, (_, i) => build(ctx, s.member.target, `${name}${i + 1}`, state, path));
      return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
    }
    case "map": {
      const [key] = build(ctx, s.key.target, `${name}Key`, state, path);
      const [value, wire] = build(ctx, s.value.target, `${name}Value`, state, path);
      return [{ [key]: value }, { [key]: wire }];
    }
    case "string":
      return same(fit(name, length));
    case "enum":
    case "intEnum":
      return same(enumEntries(s)[0][1]);
    case "byte":
    case "short":
    case "integer":
    case "long":
      return same(clamp(7, traits["smithy.api#range"]));
    case "float":
    case "double":
      return same(clamp(7.5, traits["smithy.api#range"]));
    case "boolean":
      return same(true);
    case "timestamp": {
      const ms = FIRST_MS + 1000 * state.clock++;
      return [code(`new Date(${ms})`), ms / 1000];
    }
    default:
      throw new Error(`samples.mjs: no sample for shape ${id} of type "${s.type}".`);
  }
}

const same = (v) => [v, v];
