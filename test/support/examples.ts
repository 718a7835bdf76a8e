// Bundles programs from examples/ as users would run them: ESM for Node, npm packages left external,
// `codepipeline-client` resolved to this checkout's sources. Each bundle is written as <name>.mjs in `outdir`.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export async function bundleExamples(entryPoints: Record<string, string>, outdir: string): Promise<void> {
  await build({
    absWorkingDir: repoRoot,
    entryPoints,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    alias: { "codepipeline-client": "./src/index.ts" },
    logLevel: "error",
  });
}
