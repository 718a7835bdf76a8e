// Bundler matrix: esbuild, rollup, webpack and vite each bundle a browser app
// that imports the client and one command from the packed tarball. Each output
// must hold no Node built-in and no other operation, and must run with only
// browser globals (a fake fetch answers). Node ESM and CommonJS consumers of the
// same tarball call a local server. Run with `npm run test:bundlers` after a build.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { builtinModules } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** @aws-crypto/sha256-js's code: SHA-256's first initial hash value, 0x6a09e667, as minifiers write it. */
const isSha256Fallback = (code: string) => code.includes("1779033703");

const fail = (message: string): never => {
  throw new Error(message);
};

const ROOT = path.resolve(__dirname, "../..");
const WORK = path.join(ROOT, "test-output", "bundlers");
const ENTRY = path.join(WORK, "entry.js");
const OUT = path.join(WORK, "out");

/** Operation names other than ListPipelines, from the generated commands. */
const OTHER_OPS = readdirSync(path.join(ROOT, "commands"))
  .map((f) => /^(\w+)Command\.ts$/.exec(f)?.[1])
  .filter((op): op is string => !!op && op !== "ListPipelines");

const builtins = builtinModules.filter((m) => !m.startsWith("_")).map((m) => m.replace(/[/]/g, "\\/"));
const NODE_BUILTIN = new RegExp(
  `(?:require\\s*\\(\\s*|from\\s*|import\\s*\\(\\s*|import\\s*)["'\`](?:node:[\\w/]+|(?:${builtins.join("|")}))["'\`]|["'\`]node:[a-z_/]+["'\`]|__vite-browser-external`,
);

/** What is wrong with a browser bundle of client + ListPipelinesCommand (empty when nothing). */
function problems(code: string): string[] {
  const found: string[] = [];
  const builtin = NODE_BUILTIN.exec(code);
  if (builtin) found.push(`Node built-in: ${builtin[0]}`);
  for (const op of OTHER_OPS)
    if (new RegExp(`["'\`]${op}["'\`]|CodePipeline_20150709\\.${op}\\b`).test(code)) found.push(`other operation: ${op}`);
  if (!/["'`]ListPipelines["'`]/.test(code)) found.push("ListPipelines is missing");
  return found;
}

interface SeenRequest {
  url: string;
  method: string;
  target: string | null;
  authorization: string | null;
  headers: Record<string, string>;
  body: string;
}

/** Where lazy chunks come from: a file name (as the bundle asks for it) to its code. */
type ChunkFiles = (name: string) => string;

interface RunOptions {
  /** false: a browser without `crypto.subtle` (and `crypto.randomUUID`), as a page on plain http. */
  subtle: boolean;
  /** Lazy chunk files, for bundles that load chunks (webpack's script tags, AMD's `require`). */
  chunks?: ChunkFiles;
  /** Set: the service answers every call with a 400 ValidationException. */
  fails?: boolean;
  /** More client options for the bundle's client (the entry spreads them into its config). */
  clientOptions?: Record<string, unknown>;
}

/**
 * Runs a bundle in a context that has browser globals only (no process, require, Buffer) and calls it.
 * Records which lazy chunks were loaded. Webpack loads chunks with script tags (a minimal `document`
 * runs them); rollup's AMD output with `define`/`require` (a minimal loader).
 */
async function runInBrowserGlobals(code: string, { subtle, chunks, fails, clientOptions }: RunOptions) {
  const seen: SeenRequest[] = [];
  const loaded: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push({
      url: req.url,
      method: req.method,
      target: req.headers.get("x-amz-target"),
      authorization: req.headers.get("authorization"),
      headers: Object.fromEntries((req.headers as unknown as Iterable<[string, string]>)),
      body: await req.text(),
    });
    if (fails)
      return new Response(JSON.stringify({ __type: "ValidationException", message: "bad input" }), {
        status: 400,
        headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "bundle-req-2" },
      });
    const body = JSON.stringify({ pipelines: [{ name: "bundled", version: 3, created: 1700000000.5, updated: 1700003600 }], nextToken: "t2" });
    return new Response(body, { status: 200, headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "bundle-req-1" } });
  };
  const g = globalThis as Record<string, unknown>;
  const sandbox: Record<string, unknown> = { fetch, navigator: { userAgent: "bundle-test/1.0" }, console };
  for (const k of [
    "Request", "Response", "Headers", "AbortController", "AbortSignal", "TextEncoder", "TextDecoder", "URL", "URLSearchParams",
    "ReadableStream", "Blob", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "crypto",
    "atob", "btoa", "structuredClone", "Event", "EventTarget", "DOMException",
  ])
    sandbox[k] = g[k];
  if (!subtle) sandbox.crypto = { getRandomValues: (a: Uint8Array) => globalThis.crypto.getRandomValues(a) };
  const context = vm.createContext(sandbox);
  const run = (file: string, source: string) => {
    loaded.push(file);
    vm.runInContext(source, context, { filename: file });
  };
  if (chunks) {
    // script tags, as webpack's chunk loader inserts them
    const script = () => {
      const el: Record<string, any> = { setAttribute: (k: string, v: string) => (el[k] = v), getAttribute: (k: string) => el[k] };
      return el;
    };
    const appendChild = (el: Record<string, any>) => {
      const file = String(el.src).replace(/^.*\//, "");
      setTimeout(() => {
        try {
          run(file, chunks(file));
          el.onload?.({ type: "load", target: el });
        } catch (e) {
          el.onerror?.({ type: "error", target: el, error: e });
        }
      });
      return el;
    };
    sandbox.document = { createElement: script, head: { appendChild }, getElementsByTagName: () => [], currentScript: null };
    // AMD, as rollup's `amd` output defines chunks and loads lazy ones
    const modules = new Map<string, Promise<any>>();
    const load = (name: string): Promise<any> => {
      const file = name.replace(/^\.\//, "").replace(/(\.js)?$/, ".js");
      let m = modules.get(file);
      if (!m) {
        m = new Promise((resolve, reject) => {
          sandbox.define = (deps: string[], factory: (...a: any[]) => unknown) => {
            const exports = {};
            Promise.all(deps.map((d) => (d === "exports" ? exports : d === "require" ? sandbox.require : load(d))))
              .then((args) => (factory(...args), resolve(exports)), reject);
          };
          run(file, chunks(file));
        });
        modules.set(file, m);
      }
      return m;
    };
    sandbox.require = (deps: string[], ok: (...m: any[]) => void, fail: (e: unknown) => void) =>
      void Promise.all(deps.map(load)).then((ms) => ok(...ms), fail);
    sandbox.__amdLoad = load;
  }
  vm.runInContext("globalThis.self = globalThis; globalThis.window = globalThis;", context);
  const entry = code.startsWith("define(") ? await (sandbox.__amdLoad as (n: string) => Promise<unknown>)("entry.js") : run("bundle.js", code);
  void entry;
  const runTest = context.runBundleTest as (endpoint: string, options?: Record<string, unknown>) => Promise<any>;
  expect(typeof runTest).toBe("function");
  const out = await runTest("https://codepipeline.example.test", clientOptions);
  return { out, seen, loaded };
}

/** The authorization header @smithy/signature-v4's full signer computes for a request the bundle sent. */
async function expectedAuthorization(r: SeenRequest): Promise<string> {
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const { Sha256 } = await import("@aws-crypto/sha256-js");
  const signer = new SignatureV4({
    credentials: { accessKeyId: "AKIDBUNDLETEST", secretAccessKey: "bundle-test-secret" },
    region: "us-east-1",
    service: "codepipeline",
    sha256: Sha256,
  });
  const url = new URL(r.url);
  const { authorization, "x-amz-date": amzDate, ...headers } = r.headers;
  void authorization;
  const date = amzDate!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z");
  const signed = await signer.sign(
    { method: r.method, protocol: url.protocol, hostname: url.hostname, path: url.pathname, query: {}, headers: { ...headers, host: url.host }, body: r.body } as any,
    { signingDate: new Date(date) },
  );
  return (signed as any).headers.authorization;
}

/**
 * Checks a bundle's code and runs it twice: with WebCrypto, and as in a browser without
 * `crypto.subtle`, where the signer's hash comes from the @aws-crypto/sha256-js fallback.
 * Returns the lazy chunks each run loaded.
 */
async function checkBundle(code: string, chunks?: ChunkFiles) {
  expect(problems(code)).toEqual([]);
  const loadedBy: Record<string, string[]> = {};
  for (const subtle of [true, false]) {
    const { out, seen, loaded } = await runInBrowserGlobals(code, { subtle, chunks });
    loadedBy[subtle ? "subtle" : "fallback"] = loaded;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      url: "https://codepipeline.example.test/",
      method: "POST",
      target: "CodePipeline_20150709.ListPipelines",
    });
    expect(seen[0].authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDBUNDLETEST\/\d{8}\/us-east-1\/codepipeline\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/);
    expect(seen[0].authorization).toBe(await expectedAuthorization(seen[0]));
    expect(JSON.parse(seen[0].body)).toEqual({ maxResults: 5 });
    expect(seen[0].headers["amz-sdk-invocation-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(out.nextToken).toBe("t2");
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, requestId: "bundle-req-1" });
    const created = out.pipelines[0].created;
    expect(Object.prototype.toString.call(created)).toBe("[object Date]");
    expect(created.toISOString()).toBe("2023-11-14T22:13:20.500Z");
  }
  return loadedBy;
}

/** failure.ts's code: the start of its DeserializationError message. */
const isFailureChunk = (code: string) => code.includes("Body starts with");

/**
 * A service error, whose typed exception is built by the lazy failure chunk; then the same with that
 * chunk missing (a deploy that dropped it): the call fails with an error that says so, and does not hang.
 */
async function checkFailureChunk(code: string, chunks?: ChunkFiles) {
  const failure = await runInBrowserGlobals(code, { subtle: true, chunks, fails: true }).then(
    () => fail("the call succeeded"),
    (e) => e,
  );
  expect(failure).toMatchObject({ name: "ValidationException", message: "bad input", $fault: "client", $metadata: { httpStatusCode: 400, requestId: "bundle-req-2", attempts: 1 } });
  if (!chunks) return;
  const missing = (f: string) => (isFailureChunk(chunks(f)) ? fail(`${f}: 404 Not Found`) : chunks(f));
  const lost = await runInBrowserGlobals(code, { subtle: true, chunks: missing, fails: true }).then(
    () => fail("the call succeeded"),
    (e) => e,
  );
  expect(String(lost?.message)).toMatch(/^CodePipelineClient: could not load its error handling code: (.*404 Not Found|Loading chunk \S+ failed)/);
}

beforeAll(() => {
  if (!existsSync(path.join(ROOT, "dist/browser/index.js")) || !existsSync(path.join(ROOT, "dist/node/index.cjs")))
    throw new Error("dist/ is missing: run `npm run build` before `npm run test:bundlers`");
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(path.join(WORK, "node_modules"), { recursive: true });
  mkdirSync(OUT, { recursive: true });
  // The packed tarball, unpacked where a consumer's install would put it. Its
  // dependencies resolve from the repository's node_modules further up.
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", WORK], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
  )[0];
  const pkgDir = path.join(WORK, "node_modules", "codepipeline-client");
  mkdirSync(pkgDir);
  execFileSync("tar", ["-xzf", path.join(WORK, packed.filename), "-C", pkgDir, "--strip-components=1"]);
  expect(existsSync(path.join(pkgDir, "package.json"))).toBe(true);
  expect(existsSync(path.join(pkgDir, "src"))).toBe(false); // only dist/ ships
  cpSync(path.join(__dirname, "fixtures"), WORK, { recursive: true });
  writeFileSync(path.join(WORK, "package.json"), JSON.stringify({ name: "bundler-consumer", private: true, type: "module" }));
});

describe("browser bundles of client + ListPipelinesCommand", () => {
  it("esbuild", async () => {
    const esbuild = await import("esbuild");
    const r = await esbuild.build({ entryPoints: [ENTRY], bundle: true, minify: true, format: "iife", platform: "browser", write: false, logLevel: "silent" });
    expect(r.errors).toEqual([]);
    await checkBundle(r.outputFiles[0].text);
    await checkFailureChunk(r.outputFiles[0].text);
    // recursion detection is for Lambda (Node): browsers keep its name in the stack, not its code
    expect(r.outputFiles[0].text).toContain('"recursionDetectionMiddleware"');
    expect(r.outputFiles[0].text).not.toContain("_X_AMZN_TRACE_ID");
  });

  it("esbuild --splitting: one file at start-up, and only the lazy chunks (SHA-256 fallback, endpoint rules, failure handling with logging, adaptive retry, user-agent escaping)", async () => {
    const esbuild = await import("esbuild");
    const r = await esbuild.build({
      entryPoints: { entry: ENTRY }, bundle: true, splitting: true, minify: true, format: "esm", platform: "browser",
      outdir: path.join(OUT, "esbuild-split"), write: false, metafile: true, logLevel: "silent",
    });
    const code = new Map(r.outputFiles.map((f) => [path.basename(f.path), f.text]));
    const outputs = Object.entries(r.metafile.outputs).map(([f, o]) => ({ file: path.basename(f), ...o }));
    const [entry, ...others] = outputs.sort((a, b) => Number(!!b.entryPoint) - Number(!!a.entryPoint));
    expect(entry!.entryPoint).toBeTruthy();
    expect(entry!.imports.filter((i) => i.kind === "import-statement")).toEqual([]);
    const lazy = entry!.imports.filter((i) => i.kind === "dynamic-import").map((i) => path.basename(i.path));
    // nothing else is emitted: no chunk nobody loads (@smithy/core's event-stream code came in through an import() of its protocols entry);
    // lazy chunks may share a chunk of their own, loaded with them
    const loadedWith = new Set(lazy);
    for (const o of others) if (loadedWith.has(o.file)) for (const i of o.imports) if (i.kind === "import-statement") loadedWith.add(path.basename(i.path));
    expect(others.map((o) => o.file).sort()).toEqual([...loadedWith].sort());
    expect(lazy.filter((f) => isSha256Fallback(code.get(f)!))).toHaveLength(1);
    expect([...loadedWith].filter((f) => isFailureChunk(code.get(f)!))).toHaveLength(1);
    // adaptive retry (retryMode: "adaptive") is a lazy chunk of its own: the rate limiter is not in the entry
    expect(lazy.filter((f) => /Math\.cbrt/.test(code.get(f)!))).toHaveLength(1);
    expect(code.get(entry!.file)).not.toMatch(/Math\.cbrt/);
    // the user-agent escaping (customUserAgent, userAgentAppId) is a lazy chunk of its own
    const escaping = "|~\\w#]";
    expect(lazy.filter((f) => code.get(f)!.includes(escaping))).toHaveLength(1);
    expect(code.get(entry!.file)).not.toContain(escaping);
    // six import()s, five chunks: logging is loaded with the failure handling
    expect(lazy).toHaveLength(6);
    expect(new Set(lazy).size).toBe(5);
    for (const f of lazy) expect(problems(code.get(f)!).filter((p) => !p.includes("ListPipelines")), f).toEqual([]);
    expect(problems(code.get(entry!.file)!)).toEqual([]);
  });

  it("dist/browser: the /retry entry shares no chunk with the browser runtime, so bundlers see the runtime's constants and drop what they leave unused", () => {
    const dist = path.join(ROOT, "dist/browser");
    const staticImports = (file: string): string[] =>
      [...readFileSync(path.join(dist, file), "utf8").matchAll(/^(?:import|export)\b[^;]*?from '\.\/([\w.-]+)'/gm)].map((m) => m[1]!);
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      staticImports(file).forEach(visit);
    };
    visit("retry.js");
    expect(reached.size).toBeGreaterThan(1);
    const runtimeIn = [...reached].filter((f) => readFileSync(path.join(dist, f), "utf8").includes('platform: "browser"'));
    expect(runtimeIn).toEqual([]);
    expect(readFileSync(path.join(dist, "index.js"), "utf8")).toContain('platform: "browser"');
  });

  const rollupBundle = async () => {
    const { rollup } = await import("rollup");
    const { nodeResolve } = await import("@rollup/plugin-node-resolve");
    type PluginFactory = () => import("rollup").Plugin;
    const commonjs = (await import("@rollup/plugin-commonjs")).default as unknown as PluginFactory;
    const terser = (await import("@rollup/plugin-terser")).default as unknown as PluginFactory;
    const warnings: string[] = [];
    const bundle = await rollup({
      input: { entry: ENTRY },
      plugins: [nodeResolve({ browser: true }), commonjs(), terser()],
      onwarn: (w) => void warnings.push(`${w.code}: ${w.message}`),
    });
    expect(warnings.filter((w) => /UNRESOLVED_IMPORT|MISSING_NODE_BUILTINS|MISSING_GLOBAL_NAME/.test(w))).toEqual([]);
    return bundle;
  };

  it("rollup + node-resolve + commonjs + terser, one file (iife)", async () => {
    const bundle = await rollupBundle();
    // an IIFE is one file: lazy chunks are inlined
    const { output } = await bundle.generate({ format: "iife", inlineDynamicImports: true });
    await bundle.close();
    expect(output.filter((c) => c.type === "chunk")).toHaveLength(1);
    await checkBundle(output[0].code);
  });

  it("rollup + node-resolve + commonjs + terser, split (lazy chunks)", async () => {
    const bundle = await rollupBundle();
    const { output } = await bundle.generate({ format: "amd", chunkFileNames: "[name].js" });
    await bundle.close();
    const files = new Map(output.flatMap((c) => (c.type === "chunk" ? [[c.fileName, c.code] as const] : [])));
    const entry = output.find((c) => c.type === "chunk" && c.isEntry)! as { fileName: string; code: string; dynamicImports: string[] };
    expect(entry.fileName).toBe("entry.js");
    expect(entry.dynamicImports.length).toBeGreaterThan(0);
    for (const [f, code] of files) if (f !== entry.fileName) expect(problems(code).filter((p) => !p.includes("ListPipelines")), f).toEqual([]);
    const loaded = await checkBundle(entry.code, (f) => files.get(f) ?? fail(`no chunk ${f}`));
    // the SHA-256 fallback is loaded only without crypto.subtle (the endpoint rules load for the custom endpoint)
    const sha256 = [...files.keys()].filter((f) => isSha256Fallback(files.get(f)!));
    expect(sha256).toHaveLength(1);
    expect(loaded.subtle[0]).toBe("entry.js");
    expect(loaded.subtle).not.toContain(sha256[0]);
    expect(loaded.fallback).toContain(sha256[0]);
    // error handling is a lazy chunk, loaded at the first failure only
    const failureChunks = [...files.keys()].filter((f) => isFailureChunk(files.get(f)!));
    expect(failureChunks).toHaveLength(1);
    expect(loaded.subtle).not.toContain(failureChunks[0]);
    await checkFailureChunk(entry.code, (f) => files.get(f) ?? fail(`no chunk ${f}`));
    // adaptive retry and the user-agent escaping load their own chunks, and the call goes out signed with them
    const adaptive = await runInBrowserGlobals(entry.code, {
      subtle: true,
      chunks: (f) => files.get(f) ?? fail(`no chunk ${f}`),
      clientOptions: { retryMode: "adaptive", customUserAgent: [["bundle app", "2.0"]] },
    });
    expect(adaptive.out.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
    expect(adaptive.seen).toHaveLength(1);
    const ua = adaptive.seen[0]!.headers["x-amz-user-agent"]!;
    // business metrics: F adaptive retry, N a custom endpoint
    expect(ua).toMatch(/ m\/F,N /);
    expect(ua.endsWith(" bundle-app/2.0")).toBe(true);
    expect(adaptive.seen[0]!.authorization).toBe(await expectedAuthorization(adaptive.seen[0]!));
    expect(adaptive.loaded.filter((f) => /Math\.cbrt/.test(files.get(f) ?? ""))).toHaveLength(1);
    expect(adaptive.loaded.filter((f) => (files.get(f) ?? "").includes("|~\\w#]"))).toHaveLength(1);
    expect(loaded.subtle.filter((f) => /Math\.cbrt/.test(files.get(f) ?? ""))).toEqual([]);
  });

  it("webpack 5 (production, target web)", async () => {
    const webpack = (await import("webpack")).default;
    const compiler = webpack({
      mode: "production",
      target: "web",
      context: WORK,
      entry: ENTRY,
      // A fixed public path lets the main file run without document.currentScript
      // when it loads a lazy chunk.
      output: { path: OUT, filename: "webpack.js", chunkFilename: "webpack-[name].js", publicPath: "/" },
      devtool: false,
      performance: { hints: false },
      infrastructureLogging: { level: "none" },
    });
    const stats = await new Promise<import("webpack").Stats>((resolve, reject) =>
      compiler.run((err, s) => (err ? reject(err) : s!.hasErrors() ? reject(new Error(s!.toString("errors-only"))) : resolve(s!))),
    );
    await new Promise((r) => compiler.close(r));
    expect(stats.hasErrors()).toBe(false);
    const lazy = readdirSync(OUT).filter((f) => f.startsWith("webpack-") && f.endsWith(".js"));
    expect(lazy.length).toBeGreaterThan(0);
    for (const f of lazy) expect(problems(readFileSync(path.join(OUT, f), "utf8")).filter((p) => !p.includes("ListPipelines"))).toEqual([]);
    const loaded = await checkBundle(readFileSync(path.join(OUT, "webpack.js"), "utf8"), (f) => readFileSync(path.join(OUT, f), "utf8"));
    // the SHA-256 fallback is loaded only without crypto.subtle (the endpoint rules load for the custom endpoint)
    const sha256 = lazy.filter((f) => isSha256Fallback(readFileSync(path.join(OUT, f), "utf8")));
    expect(sha256).toHaveLength(1);
    expect(loaded.subtle[0]).toBe("bundle.js");
    expect(loaded.subtle).not.toContain(sha256[0]);
    expect(loaded.fallback).toContain(sha256[0]);
    expect(loaded.fallback.slice(1).every((f) => lazy.includes(f))).toBe(true);
    // failure handling and logging are one chunk
    const failureChunks = lazy.filter((f) => isFailureChunk(readFileSync(path.join(OUT, f), "utf8")));
    expect(failureChunks.length).toBeGreaterThan(0);
    for (const f of failureChunks) expect(loaded.subtle).not.toContain(f);
    await checkFailureChunk(readFileSync(path.join(OUT, "webpack.js"), "utf8"), (f) => readFileSync(path.join(OUT, f), "utf8"));
  });

  it("vite 7 (library build, iife)", async () => {
    const { build } = await import("vite");
    const result = await build({
      configFile: false,
      root: WORK,
      logLevel: "silent",
      build: {
        write: false,
        minify: true,
        emptyOutDir: false,
        lib: { entry: ENTRY, formats: ["iife"], name: "bundleTest", fileName: () => "vite.js" },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Array<{ output: Array<{ type: string; code?: string }> }>;
    const chunks = outputs.flatMap((o) => o.output).filter((c) => c.type === "chunk");
    expect(chunks).toHaveLength(1);
    await checkBundle(chunks[0].code!);
  });

  it("the checks catch a Node build and a second command", async () => {
    const esbuild = await import("esbuild");
    const nodeBuild = await esbuild.build({
      stdin: { contents: `export * from "./node_modules/codepipeline-client/dist/node/index.js";`, resolveDir: WORK, loader: "js" },
      bundle: true, minify: true, format: "esm", platform: "node", write: false, logLevel: "silent", packages: "external",
    });
    expect(problems(nodeBuild.outputFiles[0].text).filter((p) => p.startsWith("Node built-in"))).toHaveLength(1);
    const twoCommands = await esbuild.build({
      stdin: {
        contents: `${readFileSync(ENTRY, "utf8")}\nimport { GetPipelineCommand } from "codepipeline-client";\nglobalThis.get = () => new GetPipelineCommand({ name: "x" });\n`,
        resolveDir: WORK,
        loader: "js",
      },
      bundle: true, minify: true, format: "iife", platform: "browser", write: false, logLevel: "silent",
    });
    expect(problems(twoCommands.outputFiles[0].text)).toEqual(["other operation: GetPipeline"]);
  });
});

describe("Node consumers of the packed tarball", () => {
  let server: http.Server;
  let endpoint = "";
  const targets: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      targets.push(String(req.headers["x-amz-target"]));
      req.resume().on("end", () => {
        const body = JSON.stringify({ pipelines: [{ name: "from-node", version: 1, created: 1700000000, updated: 1700000000 }] });
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "node-req" }).end(body);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  for (const [kind, file] of [["esm", "consumer.mjs"], ["cjs", "consumer.cjs"]] as const) {
    it(`${kind} import works and sends a signed ListPipelines`, async () => {
      const before = targets.length;
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(WORK, file), endpoint], { cwd: WORK, timeout: 30_000 });
      expect(JSON.parse(stdout)).toEqual({
        kind,
        names: ["from-node"],
        createdIsDate: true,
        created: "2023-11-14T22:13:20.000Z",
        exceptionBase: "function",
      });
      expect(targets.slice(before)).toEqual(["CodePipeline_20150709.ListPipelines"]);
    });
  }
});
