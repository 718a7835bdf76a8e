/**
 * Surface parity with @aws-sdk/client-codepipeline: every public name users touch
 * (test/compat/v3-surface.txt, 421 names) exists here with the same kind. The types of the
 * names are compared in test/generated/compat-types.ts (checked by the type-check).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as v3 from "@aws-sdk/client-codepipeline";
import * as ours from "../../src/index.js";

const surfaceText = readFileSync(new URL("./v3-surface.txt", import.meta.url), "utf8");
const rows = surfaceText
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"))
  .map((l) => {
    const [name, kind, group] = l.split("\t") as [string, string, string];
    return { name, kind, group };
  });
const typeCheck = readFileSync(new URL("../generated/compat-types.ts", import.meta.url), "utf8");

/** "class" | "function" | "object" | "missing": the runtime kind of an export. */
const kindOf = (value: unknown): string => {
  if (value === undefined) return "missing";
  if (typeof value === "function") return /^class\b/.test(Function.prototype.toString.call(value)) ? "class" : "function";
  return typeof value;
};
/** The runtime kind a surface row asks for, or undefined for type-only names. */
const expectedKind = (kind: string): string | undefined =>
  kind.startsWith("class") ? "class" : kind.startsWith("const") ? "object" : kind === "function" ? "function" : undefined;

const runtimeRows = rows.filter((r) => expectedKind(r.kind));
const enumRows = rows.filter((r) => r.group === "enum");

describe("surface", () => {
  it("lists 421 names (one header line + 421 rows): 131 with a runtime value, 290 type-only", () => {
    expect(rows).toHaveLength(421);
    expect(runtimeRows).toHaveLength(131);
    expect(new Set(rows.map((r) => r.name)).size).toBe(421);
  });

  it.each(runtimeRows.map((r) => [r.name, r.kind] as const))("%s is exported as a %s, like v3", (name, kind) => {
    const want = expectedKind(kind);
    expect(kindOf((v3 as any)[name])).toBe(want); // the list is right about v3
    expect(kindOf((ours as any)[name])).toBe(want);
  });

  it("every name, type-only ones included, has a check in the generated type test", () => {
    const missing = rows.filter((r) => !typeCheck.includes(`\n// ${r.name}: ${r.kind} (${r.group})\n`)).map((r) => r.name);
    expect(missing).toEqual([]);
    expect(typeCheck).toContain(`export const checkedNames = ${rows.length};`);
  });

  it.each(enumRows.map((r) => r.name))("enum %s has v3's values, as a plain object", (name) => {
    expect((ours as any)[name]).toEqual((v3 as any)[name]);
  });

  it("each exception is a client-fault CodePipelineServiceException named after its class", () => {
    for (const { name } of rows.filter((r) => r.group === "exception")) {
      const Ours = (ours as any)[name];
      const e = new Ours({ message: "m", $metadata: { httpStatusCode: 400 } });
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(ours.CodePipelineServiceException);
      expect(e).toBeInstanceOf(v3.CodePipelineServiceException);
      expect(e).toBeInstanceOf((v3 as any)[name]);
      expect({ name: e.name, $fault: e.$fault, message: e.message }).toEqual({ name, $fault: "client", message: "m" });
      const theirs = new (v3 as any)[name]({ message: "m", $metadata: {} });
      expect({ name: theirs.name, $fault: theirs.$fault }).toEqual({ name: e.name, $fault: e.$fault });
    }
  });

  it("each command keeps its input, and has its own middleware stack", () => {
    for (const { name } of rows.filter((r) => r.group === "command")) {
      const input = { some: "input" };
      const mine = new (ours as any)[name](input);
      const theirs = new (v3 as any)[name](input);
      expect(mine.input).toBe(input);
      expect(theirs.input).toBe(input);
      expect(typeof mine.middlewareStack.add).toBe("function");
      expect(typeof mine.resolveMiddleware).toBe("function");
      expect(new (ours as any)[name]().input).toEqual({});
    }
  });

  it("the aggregated client has every method of v3's, paginators included", () => {
    const methods = (C: any) =>
      Object.getOwnPropertyNames(C.prototype)
        .filter((n) => n !== "constructor" && typeof C.prototype[n] === "function")
        .sort();
    const theirs = methods(v3.CodePipeline);
    expect(theirs.length).toBeGreaterThanOrEqual(44 + 8);
    const mine = new Set(methods(ours.CodePipeline));
    expect(theirs.filter((m) => !mine.has(m))).toEqual([]);
    expect(new ours.CodePipeline({ region: "us-east-1" })).toBeInstanceOf(ours.CodePipelineClient);
  });
});
