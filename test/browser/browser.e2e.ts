// Real-browser test: Debian's Chromium, Firefox ESR and WebKitGTK (drivers in
// ./drivers.ts, no browser download) load a page with the esbuild bundle of the
// client. The page calls an API server of this test's own on another 127.0.0.1
// port, so every call is cross-origin with a CORS preflight. The server checks
// each SigV4 signature with its own implementation on node:crypto and answers.
// A screenshot of each browser's result page goes to test-output/browser/<browser>.png.
// BROWSERS=chromium,firefox picks some of them.
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSERS, INSECURE_HOST, runPage, type BrowserName } from "./drivers.js";

const ROOT = path.resolve(__dirname, "../..");
const OUT = path.join(ROOT, "test-output", "browser");
const ACCESS_KEY = "AKIDBROWSERTEST";
const SECRET = "browser-test-secret";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** SigV4 check written from the algorithm, independent of the client's signer. Returns why it fails, or "". */
function sigV4Problem(req: http.IncomingMessage, body: Buffer, now = Date.now()): string {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
    String(req.headers.authorization ?? ""),
  );
  if (!m) return "no SigV4 authorization header";
  const [, keyId, day, region, service, signedHeaders, signature] = m;
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  if (keyId !== ACCESS_KEY) return "unknown access key";
  if (region !== "us-east-1" || service !== "codepipeline") return `wrong scope ${region}/${service}`;
  if (!amzDate.startsWith(day!)) return "x-amz-date does not match the credential scope";
  const when = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (!(Math.abs(now - when) < 5 * 60_000)) return "x-amz-date too far from now";
  const names = signedHeaders!.split(";");
  for (const required of ["host", "x-amz-date", "x-amz-target"]) if (!names.includes(required)) return `${required} is not signed`;
  const url = new URL(req.url!, "http://x");
  const query = [...url.searchParams]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const headers = names.map((h) => `${h}:${String(req.headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonical = [req.method, url.pathname, query, headers, signedHeaders, sha256(body)].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, day!), region!), service!), "aws4_request");
  const expected = createHmac("sha256", key).update(toSign).digest();
  return timingSafeEqual(expected, Buffer.from(signature!, "hex")) ? "" : "signature does not match";
}

interface Seen {
  preflights: number;
  signed: string[];
  rejected: string[];
}

function apiServer(pageOrigins: () => string[], seen: Seen) {
  let origin = "";
  const cors = () => ({
    "access-control-allow-origin": origin,
    "access-control-expose-headers": "x-amzn-requestid, x-amzn-errortype, date",
  });
  const json = (res: http.ServerResponse, status: number, body: unknown, requestId: string) =>
    res
      .writeHead(status, { ...cors(), "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId })
      .end(JSON.stringify(body));
  let n = 0;
  return http.createServer((req, res) => {
    origin = pageOrigins().includes(String(req.headers.origin)) ? String(req.headers.origin) : pageOrigins()[0]!;
    if (req.method === "OPTIONS") {
      seen.preflights++;
      res.writeHead(204, {
        ...cors(),
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": String(req.headers["access-control-request-headers"] ?? ""),
        "access-control-max-age": "0",
      });
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers["x-amz-target"] ?? "");
      const problem = sigV4Problem(req, body);
      if (problem) {
        seen.rejected.push(`${target}: ${problem}`);
        json(res, 403, { __type: "InvalidSignatureException", message: problem }, `bad-${++n}`);
        return;
      }
      seen.signed.push(target);
      const input = JSON.parse(body.toString("utf8") || "{}");
      if (target === "CodePipeline_20150709.ListPipelines") {
        json(res, 200, {
          pipelines: [
            { name: "web-app", version: 7, created: 1700000000.25, updated: 1700086400 },
            { name: "api", version: 2, created: 1690000000, updated: 1690000000 },
          ],
          nextToken: "page-2",
        }, "list-req-1");
      } else if (target === "CodePipeline_20150709.GetPipeline" && input.name === "missing") {
        json(res, 400, { __type: "PipelineNotFoundException", message: "Pipeline missing does not exist" }, "err-req-1");
      } else if (target === "CodePipeline_20150709.GetPipeline" && input.name === "slow") {
        // Answers late and successfully: a client that failed to abort or time out resolves instead of throwing.
        const timer = setTimeout(() => json(res, 200, { pipeline: { name: "slow", stages: [] } }, "slow-req"), 3_000);
        res.on("close", () => clearTimeout(timer));
      } else {
        json(res, 400, { __type: "ValidationException", message: "unexpected call" }, `unexpected-${++n}`);
      }
    });
  });
}

const listen = async (server: http.Server) => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: http.Server) => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
};

describe("the API server's SigV4 check", () => {
  const sign = async (secret: string, body: string) => {
    const { SignatureV4 } = await import("@smithy/signature-v4");
    class Sha256 {
      h: Hash | Hmac;
      constructor(key?: string | Uint8Array) {
        this.h = key === undefined ? createHash("sha256") : createHmac("sha256", key);
      }
      update(d: string | Uint8Array) {
        this.h.update(d);
      }
      async digest() {
        return new Uint8Array(this.h.digest());
      }
    }
    const signer = new SignatureV4({ service: "codepipeline", region: "us-east-1", credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: secret }, sha256: Sha256 as any });
    const signed = (await signer.sign({
      method: "POST", protocol: "http:", hostname: "127.0.0.1", port: 9, path: "/", query: {},
      headers: { host: "127.0.0.1:9", "content-type": "application/x-amz-json-1.1", "x-amz-target": "CodePipeline_20150709.ListPipelines" },
      body,
    } as any)) as unknown as { headers: Record<string, string> };
    return { method: "POST", url: "/", headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])) } as unknown as http.IncomingMessage;
  };

  it("accepts a correct signature and rejects a wrong key, a changed body or a changed target", async () => {
    expect(sigV4Problem(await sign(SECRET, "{}"), Buffer.from("{}"))).toBe("");
    expect(sigV4Problem(await sign("another-secret", "{}"), Buffer.from("{}"))).toBe("signature does not match");
    expect(sigV4Problem(await sign(SECRET, "{}"), Buffer.from('{"maxResults":1}'))).toBe("signature does not match");
    const moved = await sign(SECRET, "{}");
    moved.headers["x-amz-target"] = "CodePipeline_20150709.DeletePipeline";
    expect(sigV4Problem(moved, Buffer.from("{}"))).toBe("signature does not match");
    const unsigned = await sign(SECRET, "{}");
    delete unsigned.headers.authorization;
    expect(sigV4Problem(unsigned, Buffer.from("{}"))).toBe("no SigV4 authorization header");
  });
});

const browsers = (process.env.BROWSERS ?? Object.keys(BROWSERS).join(","))
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean) as BrowserName[];
for (const name of browsers) if (!BROWSERS[name]) throw new Error(`unknown browser ${JSON.stringify(name)} in BROWSERS; known: ${Object.keys(BROWSERS).join(", ")}`);

describe("the esbuild bundle (with --splitting) in a browser", () => {
  const seen: Seen = { preflights: 0, signed: [], rejected: [] };
  let pageServer: http.Server;
  let api: http.Server;
  let pagePort = 0;
  let apiOrigin = "";
  const files = new Map<string, string>();
  let requested: string[] = [];

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, "dist/browser/index.js"))) throw new Error("dist/ is missing: run `npm run build` before `npm run test:browser`");
    mkdirSync(OUT, { recursive: true });
    const esbuild = await import("esbuild");
    // code splitting, as a one-command app would ship: lazy chunks are files the page fetches only when needed
    const built = await esbuild.build({
      entryPoints: { bundle: path.join(__dirname, "fixtures", "page.js") },
      bundle: true,
      splitting: true,
      minify: true,
      format: "esm",
      platform: "browser",
      outdir: path.join(OUT, "bundle"),
      write: false,
      logLevel: "silent",
    });
    for (const f of built.outputFiles) files.set(path.basename(f.path), f.text);
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>running</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse}td{border:1px solid #ccc;padding:6px 10px;vertical-align:top;white-space:pre;font-family:monospace;font-size:12px}
tr.pass td:first-child{background:#d6f5d6;font-weight:bold}tr.fail td:first-child{background:#f8d0d0;font-weight:bold}</style></head>
<body><h1>codepipeline-client in a browser</h1><p>esbuild bundle of the client, calling a cross-origin API on 127.0.0.1 that checks each SigV4 signature.</p>
<p id="context"></p><table id="results"></table>
<script>window.__errors=[];addEventListener("error",(e)=>__errors.push(String(e.message)));addEventListener("unhandledrejection",(e)=>__errors.push(String(e.reason)));</script>
<script type="module" src="/bundle.js"></script></body></html>`;
    pageServer = http.createServer((req, res) => {
      const file = req.url?.slice(1) ?? "";
      if (files.has(file)) {
        requested.push(file);
        res.writeHead(200, { "content-type": "text/javascript" }).end(files.get(file));
      } else if (req.url?.startsWith("/?") || req.url === "/") res.writeHead(200, { "content-type": "text/html" }).end(html);
      else res.writeHead(404).end();
    });
    pagePort = Number(new URL(await listen(pageServer)).port);
    api = apiServer(() => [`http://127.0.0.1:${pagePort}`, `http://${INSECURE_HOST}:${pagePort}`], seen);
    apiOrigin = await listen(api);
  });

  afterAll(async () => {
    await Promise.all([pageServer && close(pageServer), api && close(api)]);
  });

  /** The SHA-256 fallback chunk: the file holding @aws-crypto/sha256-js's first initial hash value. */
  const fallbackChunk = () => {
    const found = [...files].filter(([, code]) => code.includes("1779033703")).map(([f]) => f);
    expect(found).toHaveLength(1);
    expect(found[0]).not.toBe("bundle.js");
    return found[0]!;
  };

  const check = async (name: BrowserName, host: string, screenshot: string) => {
    Object.assign(seen, { preflights: 0, signed: [], rejected: [] });
    requested = [];
    const run = await runPage(name, `http://${host}:${pagePort}/?api=${encodeURIComponent(apiOrigin)}`, path.join(OUT, screenshot));
    console.log(`${name}: ${run.version}`);
    expect(run.errors).toEqual([]);
    expect(run.title).toBe("done");
    expect(run.results).toEqual({
      "ListPipelines output, with Dates": {
        names: ["web-app", "api"],
        createdIsDate: true,
        created: "2023-11-14T22:13:20.250Z",
        updated: "2023-11-15T22:13:20.000Z",
        nextToken: "page-2",
        status: 200,
        requestId: "list-req-1",
      },
      "typed service error": {
        name: "PipelineNotFoundException",
        isTyped: true,
        isServiceException: true,
        fault: "client",
        message: "Pipeline missing does not exist",
        status: 400,
        requestId: "err-req-1",
      },
      abort: { name: "AbortError", isAbortError: true },
      timeout: { name: "TimeoutError", isTimeoutError: true },
    });
    // Every call reached the server signed correctly, cross-origin (with preflights).
    expect(seen.rejected).toEqual([]);
    expect(seen.signed).toEqual([
      "CodePipeline_20150709.ListPipelines",
      "CodePipeline_20150709.GetPipeline",
      "CodePipeline_20150709.GetPipeline",
      "CodePipeline_20150709.GetPipeline",
    ]);
    expect(seen.preflights).toBeGreaterThan(0);
    expect(requested[0]).toBe("bundle.js");
    return run;
  };

  it.each(browsers)("%s: signs, parses, types errors, aborts and times out", async (name) => {
    const run = await check(name, "127.0.0.1", `${name}.png`);
    expect(run.context).toEqual({ isSecureContext: true, subtle: true, randomUUID: true });
    // a secure context hashes with crypto.subtle: the fallback chunk is never fetched
    expect(requested).not.toContain(fallbackChunk());
  });

  // Chromium treats 127.0.0.1 and localhost as secure contexts; a page from another host name on plain
  // http is not, and has no crypto.subtle (nor crypto.randomUUID), as a real http:// site.
  it.skipIf(!browsers.includes("chromium"))("chromium, a page on plain http from another host (no crypto.subtle): signs through the fallback", async () => {
    const run = await check("chromium", INSECURE_HOST, "chromium-insecure-context.png");
    expect(run.context).toEqual({ isSecureContext: false, subtle: false, randomUUID: false });
    expect(requested).toContain(fallbackChunk());
  });
});
