// src/generated/wire.ts: what the request serializer writes for each operation input, as one table per
// structure. Commands import only their own input's table, so a one-command bundle carries only its tree.
import { ALSO_SENSITIVE, TRAITS, code, compare, kindOf, literal } from "./lib.mjs";

const HEADER = `/**
 * Request body tables: one per structure an operation input reaches, named after the shape with a \`$\`
 * (structures with identical tables share one).
 * A table lists the members the serializer writes, in the order it writes them (required members first,
 * then the optional ones, each group in model order). Members not listed are never sent.
 * Values (see \`ShapeHints\` in src/operation.ts): \`0\` a value written as it is, \`1\` a timestamp (a \`Date\` is
 * written as epoch seconds), \`2\` a sensitive value (written as it is, redacted in logs), \`[t]\` a list of \`t\`,
 * \`{ "*": t }\` a map whose values are \`t\`, any other object a structure's table.
 */`;

/** Name of the table constant for structure `id` (structures with the same table share the first one's). */
export const tableName = (ctx, id) => tables(ctx).names.get(id);

/** Member entries of a structure in wire order: required first, then optional, each in model order. */
export function wireMembers(ctx, id) {
  const members = Object.entries(ctx.shape(id).members ?? {});
  return [...members.filter(([, m]) => ctx.isRequired(m)), ...members.filter(([, m]) => !ctx.isRequired(m))];
}

const cache = new WeakMap();

/** Every input structure's table: `names` (id -> constant) and `order` ([name, source], dependencies first). */
function tables(ctx) {
  let t = cache.get(ctx);
  if (t) return t;
  t = { names: new Map(), order: [] };
  const bySource = new Map();
  const visit = (id) => {
    if (t.names.has(id)) return;
    t.names.set(id, undefined);
    for (const [, m] of wireMembers(ctx, id)) for (const s of structuresIn(ctx, m.target)) visit(s);
    const entries = Object.fromEntries(wireMembers(ctx, id).map(([name, m]) => [name, entry(ctx, t.names, m.target, m, `${id}$${name}`)]));
    const source = literal(entries, { width: 120 });
    if (!bySource.has(source)) {
      bySource.set(source, `${ctx.short(id)}$`);
      t.order.push([`${ctx.short(id)}$`, source]);
    }
    t.names.set(id, bySource.get(source));
  };
  const inputs = ctx.operations.map((op) => ctx.inputOf(op)).filter((id) => !ctx.isUnit(id));
  for (const id of [...inputs].sort(compare)) visit(id);
  cache.set(ctx, t);
  return t;
}

export default function generate(ctx) {
  let out = `${ctx.marker}\n${HEADER}\nimport type { ShapeHints } from "../operation.js";\n\n`;
  for (const [name, source] of tables(ctx).order) out += `export const ${name}: ShapeHints = ${source};\n`;
  return [{ path: "src/generated/wire.ts", content: out }];
}

/** Structures a member target refers to, directly or through lists and maps. */
function structuresIn(ctx, id) {
  const s = ctx.shape(id);
  if (!s) return [];
  if (s.type === "structure") return [id];
  if (s.type === "list" || s.type === "set") return structuresIn(ctx, s.member.target);
  if (s.type === "map") return structuresIn(ctx, s.value.target);
  if (s.type === "union" || s.type === "document" || s.type === "blob")
    throw new Error(`wire.mjs: ${id} is a ${s.type}, which the request serializer does not write yet.`);
  return [];
}

/** The table entry for a member target, as source (a `code` reference for structures). */
function entry(ctx, names, id, member, where) {
  const s = ctx.shape(id);
  const kind = s ? kindOf(s) : "string";
  const sensitive = Boolean(member?.traits?.[TRAITS.sensitive] || s?.traits?.[TRAITS.sensitive] || ALSO_SENSITIVE.has(id));
  const nested = kind === "structure" || kind === "list" || kind === "map";
  if (sensitive && nested) throw new Error(`wire.mjs: ${where} is a sensitive ${kind}; logs can only redact sensitive values.`);
  switch (kind) {
    case "structure":
      return code(names.get(id));
    case "list":
      return [entry(ctx, names, s.member.target, s.member, where)];
    case "map":
      return { "*": entry(ctx, names, s.value.target, s.value, where) };
    case "timestamp":
      return 1;
    default:
      return sensitive ? 2 : 0;
  }
}
