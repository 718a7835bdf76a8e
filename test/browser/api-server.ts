// The API server of the real-browser tests: answers cross-origin calls (CORS, preflights) from a
// page on another 127.0.0.1 port, and checks each SigV4 signature with its own implementation on
// node:crypto (written from the algorithm, independent of the client's signer) before the test's
// routes answer. And the page server: the esbuild bundle of a test page and the HTML that loads it.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");
/** Where the screenshots go. */
export const OUT = path.join(ROOT, "test-output", "browser");

export const ACCESS_KEY = "AKIDBROWSERTEST";
export const SECRET = "browser-test-secret";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** SigV4 check written from the algorithm, independent of the client's signer. Returns why it fails, or "". */
export function sigV4Problem(req: http.IncomingMessage, body: Buffer, now = Date.now()): string {
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

export interface Seen {
  preflights: number;
  signed: string[];
  rejected: string[];
}

/**
 * The API server: `ListPipelines` answers two pipelines; `GetPipeline` answers `missing` with a
 * `PipelineNotFoundException`, `slow` after 3 s, and `flaky` with a `ThrottlingException` to the first
 * attempt of each call (its `amz-sdk-request` header says `attempt=1`) and the pipeline to a retry.
 */
export function apiServer(pageOrigins: () => string[], seen: Seen) {
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
      } else if (target === "CodePipeline_20150709.GetPipeline" && input.name === "flaky") {
        if (/^attempt=1;/.test(String(req.headers["amz-sdk-request"]))) json(res, 400, { __type: "ThrottlingException", message: "Rate exceeded" }, "throttled-req-1");
        else json(res, 200, { pipeline: { name: "flaky", stages: [] } }, "flaky-req-2");
      } else {
        json(res, 400, { __type: "ValidationException", message: "unexpected call" }, `unexpected-${++n}`);
      }
    });
  });
}

export const listen = async (server: http.Server) => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
export const close = (server: http.Server) => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
};


/**
 * Bundles `entry` with esbuild (minified, ESM, with code splitting, as an app would ship: lazy chunks
 * are files the page fetches only when needed) and serves it on 127.0.0.1 with a page that loads it;
 * each file the browser fetches is pushed to `requested()`.
 */
export async function servePage(entry: string, what: string, requested: () => string[]): Promise<{ server: http.Server; port: number; files: Map<string, string> }> {
  if (!existsSync(path.join(ROOT, "dist/browser/index.js"))) throw new Error("dist/ is missing: run `npm run build` before `npm run test:browser`");
  mkdirSync(OUT, { recursive: true });
  const esbuild = await import("esbuild");
  const built = await esbuild.build({
    entryPoints: { bundle: entry },
    bundle: true,
    splitting: true,
    minify: true,
    format: "esm",
    platform: "browser",
    outdir: path.join(OUT, "bundle"),
    write: false,
    logLevel: "silent",
  });
  const files = new Map<string, string>();
  for (const f of built.outputFiles) files.set(path.basename(f.path), f.text);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>running</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse}td{border:1px solid #ccc;padding:6px 10px;vertical-align:top;white-space:pre;font-family:monospace;font-size:12px}
tr.pass td:first-child{background:#d6f5d6;font-weight:bold}tr.fail td:first-child{background:#f8d0d0;font-weight:bold}</style></head>
<body><h1>codepipeline-client in a browser</h1><p>${what}, calling a cross-origin API on 127.0.0.1 that checks each SigV4 signature.</p>
<p id="context"></p><table id="results"></table>
<script>window.__errors=[];addEventListener("error",(e)=>__errors.push(String(e.message)));addEventListener("unhandledrejection",(e)=>__errors.push(String(e.reason)));</script>
<script type="module" src="/bundle.js"></script></body></html>`;
  const server = http.createServer((req, res) => {
    const file = req.url?.slice(1) ?? "";
    if (files.has(file)) {
      requested().push(file);
      res.writeHead(200, { "content-type": "text/javascript" }).end(files.get(file));
    } else if (req.url?.startsWith("/?") || req.url === "/") res.writeHead(200, { "content-type": "text/html" }).end(html);
    else res.writeHead(404).end();
  });
  const port = Number(new URL(await listen(server)).port);
  return { server, port, files };
}

/**
 * A test page (see `servePage`) and the API server it calls, which accepts the page's origin on each of
 * `hosts`. `seen` records the calls; `pageUrl(host)` opens the page with the API's address.
 */
export async function pageAndApi(entry: string, what: string, requested: () => string[], hosts = ["127.0.0.1"]) {
  const seen: Seen = { preflights: 0, signed: [], rejected: [] };
  const page = await servePage(entry, what, requested);
  const api = apiServer(() => hosts.map((h) => `http://${h}:${page.port}`), seen);
  const apiOrigin = await listen(api);
  return {
    files: page.files,
    seen,
    pageUrl: (host = "127.0.0.1") => `http://${host}:${page.port}/?api=${encodeURIComponent(apiOrigin)}`,
    close: () => Promise.all([close(page.server), close(api)]),
  };
}
