// The Vite example app (examples/vite-browser) in Chromium against the local endpoint. With `cors: true` the
// page lists the pipelines and gets a typed error across origins; with CORS off it shows a NetworkError that
// names CORS as a likely cause. Screenshots go to test-output/browser/vite-local-*.png.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import http from "node:http";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodePipelineClient, CreateCustomActionTypeCommand, CreatePipelineCommand } from "../../src/index.js";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import { customBuildType, pipeline } from "../local/fixtures.js";

const ROOT = path.resolve(__dirname, "../..");
const APP = path.join(ROOT, "examples", "vite-browser");
const OUT = path.join(ROOT, "test-output", "browser");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const credentials = { accessKeyId: "LOCALACCESSKEY", secretAccessKey: "LOCALSECRETKEY" };

/** Builds the example with Vite, as its `npm run build` would, pointed at `endpoint`; returns the output folder. */
async function buildApp(endpoint: string, name: string): Promise<string> {
  const { build } = await import("vite");
  const outDir = path.join(ROOT, "node_modules", ".cache", `vite-example-${name}-${process.pid}`);
  process.env.VITE_CODEPIPELINE_ENDPOINT = endpoint;
  try {
    await build({
      root: APP,
      configFile: false,
      logLevel: "silent",
      // The example depends on the package; here it is this checkout's browser build.
      resolve: { alias: { "codepipeline-client": path.join(ROOT, "dist/browser/index.js") } },
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    delete process.env.VITE_CODEPIPELINE_ENDPOINT;
  }
  return outDir;
}

function serve(dir: string): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    const file = path.join(dir, req.url === "/" ? "index.html" : path.normalize(req.url ?? "").replace(/^(\.\.[/\\])+/, ""));
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "text/html" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}
const origin = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

describe("the Vite example against the local endpoint in Chromium", () => {
  let withCors: LocalCodePipeline;
  let withoutCors: LocalCodePipeline;
  const servers: http.Server[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, "dist/browser/index.js"))) throw new Error("dist/ is missing: run `npm run build` before `npm run test:browser`");
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    mkdirSync(OUT, { recursive: true });
    withCors = await startLocalCodePipeline({ cors: true, credentials });
    withoutCors = await startLocalCodePipeline({ credentials });
    const client = new CodePipelineClient(withCors.clientConfig);
    await client.send(new CreateCustomActionTypeCommand(customBuildType));
    await client.send(new CreatePipelineCommand({ pipeline: pipeline("vite-demo") }));
    client.destroy();
  });

  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await Promise.all([withCors?.close(), withoutCors?.close()]);
  });

  async function run(endpoint: string, name: string): Promise<{ status: string; items: string[]; errors: string[] }> {
    const dir = await buildApp(endpoint, name);
    dirs.push(dir);
    const server = await serve(dir);
    servers.push(server);
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 500 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(origin(server));
      await page.waitForFunction(() => document.title === "done", undefined, { timeout: 30_000 });
      await page.screenshot({ path: path.join(OUT, `vite-local-${name}.png`), fullPage: true });
      const status = (await page.textContent("#status")) ?? "";
      const items = await page.$$eval("#pipelines li", (lis) => lis.map((li) => li.textContent ?? ""));
      return { status, items, errors };
    } finally {
      await browser.close();
    }
  }

  it("with cors: true, lists the pipelines and gets a typed error across origins", async () => {
    const { status, items, errors } = await run(withCors.endpoint, "cors");
    expect(errors).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/^vite-demo \(version 1, updated \d{4}-\d\d-\d\dT/);
    expect(status).toMatch(/^1 pipeline\(s\); typed error ok \(request [0-9a-f-]{36}\)$/);
  });

  it("with CORS off, the page's NetworkError names CORS and an unreachable endpoint", async () => {
    const { status, items, errors } = await run(withoutCors.endpoint, "no-cors");
    expect(errors).toEqual([]);
    expect(items).toEqual([]);
    expect(status).toMatch(
      /^NetworkError: The request to 127\.0\.0\.1:\d+ failed: Failed to fetch \(likely causes: CORS does not allow this origin, or the endpoint is unreachable\)$/,
    );
  });
});
