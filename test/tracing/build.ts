/**
 * Builds the package from src as tsup builds it for Node (esbuild, dependencies external), inside
 * node_modules so the build resolves the package's dependencies like the published one does,
 * and runs Node programs against it.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

export const root = join(import.meta.dirname, "../..");

/** Builds `src/index.ts` (and `src/otel/index.ts`) into a fresh folder; returns it and a cleanup. */
export async function buildPackage(name: string, format: "cjs" | "esm"): Promise<{ dir: string; index: string; otel: string; remove: () => void }> {
  const dir = join(root, "node_modules/.cache", `codepipeline-client-${name}`, String(process.pid));
  mkdirSync(dir, { recursive: true });
  const ext = format === "cjs" ? ".cjs" : ".mjs";
  await build({
    entryPoints: { index: join(root, "src/index.ts"), otel: join(root, "src/otel/index.ts") },
    outdir: dir,
    outExtension: { ".js": ext },
    bundle: true,
    splitting: format === "esm",
    format,
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "silent",
  });
  return { dir, index: join(dir, "index" + ext), otel: join(dir, "otel" + ext), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const childEnv = (env: Record<string, string>) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && !k.startsWith("OTEL_"))),
  AWS_EC2_METADATA_DISABLED: "true",
  ...env,
});

/** Runs a Node program; fails with its output unless it exits with 0. Returns stdout. */
export function runNode(args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, args, { cwd: root, env: childEnv(env), encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** `runNode` without blocking this process (for a program that calls a server running here). */
export function runNodeAsync(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { cwd: root, env: childEnv(env), encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`node ${args.join(" ")} failed: ${error.message}\n${stderr}\n${stdout}`)) : resolve(stdout),
    ),
  );
}
