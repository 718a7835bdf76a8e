// Hover text for the public API, kept as data in smithy/descriptions/<ShapeName>.md (see the README there).
// The other generator modules call shapeDoc/memberDoc to put the text into TSDoc comments; the default export
// checks that every operation, structure, member, error, enum and enum value has text, and that no file or
// section names something the model does not have. Either problem stops the generator (also with --check).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compare, enumEntries, kindOf, short, sortBy, TRAITS } from "./lib.mjs";

export const DESCRIPTIONS_DIR = "smithy/descriptions";
const dir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", DESCRIPTIONS_DIR);
const WIDTH = 100;
/** Kinds of names that must have text: all of them. */
const ENFORCED = new Set(["operation", "structure", "error", "enum"]);

/**
 * Parses one description file: the text before the first `## name` heading describes the shape, each
 * `## name` section one member (or enum value).
 */
export function parseDescription(text) {
  const sections = new Map();
  const duplicates = [];
  let current = { lines: [] };
  const body = current;
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    const heading = /^##\s+(\S+)\s*$/.exec(line);
    if (heading) {
      if (sections.has(heading[1])) duplicates.push(heading[1]);
      current = { lines: [] };
      sections.set(heading[1], current);
    } else current.lines.push(line);
  }
  const clean = (s) => s.lines.join("\n").trim();
  return {
    body: clean(body),
    sections: new Map([...sections].map(([name, s]) => [name, clean(s)])),
    duplicates,
  };
}

let loaded;
/** Every description file, keyed by shape name (README.md excluded). */
export function descriptions() {
  if (loaded) return loaded;
  loaded = new Map();
  if (!existsSync(dir)) return loaded;
  for (const file of readdirSync(dir).sort(compare)) {
    if (!file.endsWith(".md") || file === "README.md") continue;
    loaded.set(file.slice(0, -3), parseDescription(readFileSync(join(dir, file), "utf8")));
  }
  return loaded;
}

/** Text as doc comment lines: paragraphs re-wrapped at WIDTH columns; list items and fences kept as written. */
export function toDocLines(text) {
  if (!text) return [];
  const out = [];
  for (const para of text.split(/\n\s*\n/)) {
    if (out.length) out.push("");
    const lines = para.split("\n");
    if (lines.some((l) => /^\s*([-*]|\d+\.)\s|^\s*```/.test(l))) {
      out.push(...lines.map((l) => l.trimEnd()));
      continue;
    }
    let line = "";
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > WIDTH) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) out.push(line);
  }
  return out;
}

/** Doc lines of several blocks (arrays of lines), empty ones left out, with a blank line between the others. */
export const paragraphs = (...blocks) =>
  blocks.filter((b) => b.length).flatMap((b, i) => (i ? ["", ...b] : b));

/** The generated sentence for an operation's input or output structure that has no text of its own. */
function ioDefault(ctx, name) {
  for (const op of ctx.operations) {
    if (short(ctx.inputOf(op)) === name) return `The input of the \`${op.name}\` operation (\`${op.name}Command\`).`;
    if (short(ctx.outputOf(op)) === name) return `The output of the \`${op.name}\` operation (\`${op.name}Command\`).`;
  }
  return undefined;
}

/** Doc lines describing an operation, a structure, an error or an enum (empty when there is no text). */
export function shapeDoc(ctx, name) {
  const text = descriptions().get(name)?.body || ioDefault(ctx, name);
  return toDocLines(text);
}

/** Doc lines describing a member of a structure, or a value of an enum (by its key). */
export function memberDoc(shapeName, member) {
  return toDocLines(descriptions().get(shapeName)?.sections.get(member));
}

/** What needs text: [{ name, kind, needsBody, members }] for every public operation and shape. */
export function describedNames(ctx) {
  const io = new Set(ctx.operations.flatMap((op) => [ctx.inputOf(op), ctx.outputOf(op)]));
  const out = ctx.operations.map((op) => ({ name: op.name, kind: "operation", needsBody: true, members: [] }));
  for (const id of ctx.operationShapes) {
    const s = ctx.shape(id);
    const kind = kindOf(s);
    if (kind === "structure") {
      const isError = Boolean(s.traits?.[TRAITS.error]);
      // An error's `message` is the Error's own message; its class states what the error means.
      const members = Object.keys(s.members ?? {}).filter((m) => !(isError && m === "message"));
      if (!isError && io.has(id) && members.length === 0) continue; // an empty input or output: nothing to say
      out.push({ name: short(id), kind: isError ? "error" : "structure", needsBody: !io.has(id), members });
    } else if (kind === "enum" || s.type === "intEnum") {
      out.push({ name: short(id), kind: "enum", needsBody: true, members: enumEntries(s).map(([key]) => key) });
    }
  }
  return sortBy(out, (n) => n.name);
}

/**
 * Problems with the description files: names without text, and files or sections naming nothing.
 * `files` defaults to smithy/descriptions/; `enforced` lists the kinds of names that must have text.
 */
export function checkDescriptions(ctx, files = descriptions(), enforced = ENFORCED) {
  const problems = [];
  const known = new Map(describedNames(ctx).map((n) => [n.name, n]));
  for (const n of known.values()) {
    if (!enforced.has(n.kind)) continue;
    const d = files.get(n.name);
    if (n.needsBody && !d?.body) problems.push(`no text for ${n.kind} ${n.name}`);
    for (const m of n.members) {
      const what = n.kind === "enum" ? "enum value" : "member";
      if (!d?.sections.get(m)) problems.push(`no text for ${what} ${n.name}.${m}`);
    }
  }
  for (const [name, d] of files) {
    const n = known.get(name);
    if (!n) {
      problems.push(`${DESCRIPTIONS_DIR}/${name}.md describes ${name}, which is not a public operation or shape`);
      continue;
    }
    for (const dup of d.duplicates) problems.push(`${DESCRIPTIONS_DIR}/${name}.md has two sections "${dup}"`);
    for (const m of d.sections.keys()) {
      if (n.members.includes(m)) continue;
      problems.push(`${DESCRIPTIONS_DIR}/${name}.md has a section "${m}", which ${name} does not have`);
    }
  }
  return problems;
}

/** Runs the check; generates nothing itself. */
export default function generate(ctx) {
  const problems = checkDescriptions(ctx);
  if (problems.length) {
    const err = new Error(
      `Hover text is missing or misnamed (${problems.length} problem${problems.length === 1 ? "" : "s"}; ` +
        `write it in ${DESCRIPTIONS_DIR}/, see its README.md):\n  ${problems.join("\n  ")}`,
    );
    err.exitCode = 1;
    throw err;
  }
  return [];
}
