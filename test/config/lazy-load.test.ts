// Importing the package and using a client with explicit credentials never loads the Node credential
// chain, and loads the ini file loader only when the config and the environment leave a setting open.
// Checked in a child `node` process over the package built from src as tsup builds it (esbuild, Node
// platform, dependencies external), with a module resolve hook that records every import.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "esbuild";

const root = join(import.meta.dirname, "../..");
// inside node_modules, so the bundle resolves the package's dependencies like the built package does
const dir = join(root, "node_modules/.cache/codepipeline-client-config-test", String(process.pid));
const CHAIN = "@aws-sdk/credential-provider-node";
const INI = "@smithy/shared-ini-file-loader";

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: { index: join(root, "src/index.ts") },
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "silent",
  });
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  appendFileSync(process.env.LOAD_LOG, specifier + "\\n");
  return next(specifier, context);
}`,
  );
  writeFileSync(
    join(dir, "register.mjs"),
    `import { register } from "node:module";
register(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` after importing the built package as `pkg`; returns the specifiers it imported. */
function run(name: string, body: string, env: Record<string, string> = {}): string[] {
  const script = join(dir, `${name}.mjs`);
  const log = join(dir, `${name}.log`);
  writeFileSync(log, "");
  writeFileSync(
    script,
    `const pkg = await import("./index.mjs");
const handler = { handle: async () => ({ response: { statusCode: 200, headers: {}, body: new TextEncoder().encode("{}") } }) };
${body}
// modules required through the CommonJS loader are listed here too
const { createRequire } = await import("node:module");
for (const k of Object.keys(createRequire(import.meta.url).cache)) (await import("node:fs")).appendFileSync(process.env.LOAD_LOG, k + "\\n");`,
  );
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  const home = join(dir, `${name}-home`);
  mkdirSync(home, { recursive: true });
  const r = spawnSync(process.execPath, ["--import", join(dir, "register.mjs"), script], {
    env: { ...clean, HOME: home, USERPROFILE: home, AWS_EC2_METADATA_DISABLED: "true", LOAD_LOG: log, ...env },
    encoding: "utf8",
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return readFileSync(log, "utf8").split("\n");
}

const loaded = (list: string[], name: string) => list.some((s) => s === name || s.includes(`/node_modules/${name}/`));
const explicit = `{ region: "eu-west-1", credentials: { accessKeyId: "AKID", secretAccessKey: "s" }, requestHandler: handler }`;
const everything = `useFipsEndpoint: false, useDualstackEndpoint: false, maxAttempts: 3, retryMode: "standard", userAgentAppId: "a", ignoreConfiguredEndpointUrls: true`;

describe("with explicit credentials", () => {
  it("importing and constructing a client loads neither module", () => {
    const list = run("construct", `new pkg.CodePipelineClient(${explicit});`);
    expect(loaded(list, CHAIN)).toBe(false);
    expect(loaded(list, INI)).toBe(false);
    // the hook does see imports
    expect(list).toContain("./index.mjs");
  });

  it("sending a call loads neither module when the config gives every setting", () => {
    const list = run(
      "send-config",
      `await new pkg.CodePipelineClient({ ...${explicit}, ${everything} }).send(new pkg.ListPipelinesCommand({}));`,
    );
    expect(loaded(list, CHAIN)).toBe(false);
    expect(loaded(list, INI)).toBe(false);
  });

  it("sending a call loads the ini loader, not the chain, when a setting is left to the profile", () => {
    const list = run("send-profile", `await new pkg.CodePipelineClient(${explicit}).send(new pkg.ListPipelinesCommand({}));`);
    expect(loaded(list, CHAIN)).toBe(false);
    expect(loaded(list, INI)).toBe(true);
  });
});

it("without credentials, the chain is loaded at the first call, not before", () => {
  const env = { AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "s", AWS_REGION: "eu-west-1" };
  const before = run("no-creds-construct", `new pkg.CodePipelineClient({ requestHandler: handler });`, env);
  expect(loaded(before, CHAIN)).toBe(false);
  const after = run("no-creds-send", `await new pkg.CodePipelineClient({ requestHandler: handler }).send(new pkg.ListPipelinesCommand({}));`, env);
  expect(loaded(after, CHAIN)).toBe(true);
});
