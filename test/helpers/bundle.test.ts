/**
 * The workflow helpers must cost nothing to code that does not use them: the
 * browser bundle of client + one command is byte-for-byte the same with and
 * without them exported, and the helper modules do no work at import time and
 * use no Node built-ins.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = path.join(ROOT, "src");
const HELPERS = path.join(SRC, "helpers");
const EXPORT_LINE = 'export * from "./helpers/index.js";\n';

const browserRuntime: esbuild.Plugin = {
  name: "browser-runtime",
  setup(build) {
    build.onResolve({ filter: /\/runtime\/node\.js$/ }, (args) => ({ path: path.join(args.resolveDir, "runtime", "browser.ts") }));
  },
};

/** Bundles client + ListPipelinesCommand for the browser from an index.ts with the given text. */
async function bundleOne(indexText: string): Promise<string> {
  const virtualIndex: esbuild.Plugin = {
    name: "virtual-index",
    setup(build) {
      build.onResolve({ filter: /^virtual:index$/ }, () => ({ path: "index.ts", namespace: "virtual" }));
      build.onLoad({ filter: /.*/, namespace: "virtual" }, () => ({ contents: indexText, loader: "ts", resolveDir: SRC }));
    },
  };
  const result = await esbuild.build({
    stdin: {
      contents:
        'import { CodePipelineClient, ListPipelinesCommand } from "virtual:index";\n' +
        "export const list = (config) => new CodePipelineClient(config).send(new ListPipelinesCommand({}));\n",
      resolveDir: ROOT,
      loader: "js",
    },
    bundle: true,
    // Identifiers are left unminified: their short names depend on the whole module graph, so only
    // with real names does "the same code" mean "the same text".
    minifyWhitespace: true,
    minifySyntax: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
    plugins: [virtualIndex, browserRuntime],
  });
  return new TextDecoder().decode(result.outputFiles[0]!.contents);
}

describe("workflow helpers and bundle size", () => {
  it("are exported from the main entry", () => {
    expect(readFileSync(path.join(SRC, "index.ts"), "utf8")).toContain(EXPORT_LINE);
  });

  it("do not change the browser bundle of client + one command", async () => {
    const index = readFileSync(path.join(SRC, "index.ts"), "utf8");
    const [withHelpers, withoutHelpers] = await Promise.all([bundleOne(index), bundleOne(index.replace(EXPORT_LINE, ""))]);
    expect(withHelpers.length).toBe(withoutHelpers.length);
    expect(withHelpers === withoutHelpers).toBe(true);
    expect(/JobWorker|approval|WaiterFailureError|artifact credentials|continuationToken/i.test(withHelpers)).toBe(false);
  });

  const files = readdirSync(HELPERS).filter((f) => f.endsWith(".ts"));

  it.each(files)("%s imports no Node built-in", (file) => {
    const source = ts.createSourceFile(file, readFileSync(path.join(HELPERS, file), "utf8"), ts.ScriptTarget.ES2022, true);
    const specifiers = source.statements
      .filter((s): s is ts.ImportDeclaration | ts.ExportDeclaration => ts.isImportDeclaration(s) || ts.isExportDeclaration(s))
      .map((s) => (s.moduleSpecifier as ts.StringLiteral | undefined)?.text)
      .filter((s): s is string => s !== undefined);
    for (const spec of specifiers) expect(spec, `${file} imports ${spec}`).toMatch(/^(\.{1,2}\/|@smithy\/types$)/);
  });

  it.each(files)("%s does no work at import time", (file) => {
    const source = ts.createSourceFile(file, readFileSync(path.join(HELPERS, file), "utf8"), ts.ScriptTarget.ES2022, true);
    /** Initializers allowed at the top level: literals, functions, `as const` objects/arrays of those. */
    const inert = (e: ts.Expression): boolean =>
      ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isStringLiteral(e) || ts.isNumericLiteral(e) || ts.isRegularExpressionLiteral(e) ||
      ts.isNoSubstitutionTemplateLiteral(e) ||
      (ts.isAsExpression(e) && inert(e.expression)) ||
      (ts.isArrayLiteralExpression(e) && e.elements.every(inert)) ||
      (ts.isObjectLiteralExpression(e) && e.properties.every((p) => ts.isPropertyAssignment(p) && !ts.isComputedPropertyName(p.name) && inert(p.initializer)));
    for (const statement of source.statements) {
      const where = `${file}: ${statement.getText().slice(0, 60)}`;
      if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isFunctionDeclaration(statement)) continue;
      if (ts.isClassDeclaration(statement)) {
        for (const m of statement.members) expect(ts.getCombinedModifierFlags(m as ts.Declaration) & ts.ModifierFlags.Static, `${where} has a static member`).toBe(0);
        for (const h of statement.heritageClauses ?? []) for (const t of h.types) expect(t.expression.getText(), where).toBe("Error");
        continue;
      }
      expect(ts.isVariableStatement(statement), where).toBe(true);
      for (const d of (statement as ts.VariableStatement).declarationList.declarations) expect(d.initializer && inert(d.initializer), where).toBe(true);
    }
  });
});
