// Real-browser test: Debian's Chromium, Firefox ESR and WebKitGTK (drivers in
// ./drivers.ts, no browser download) load a page with the esbuild bundle of the
// client. The page calls an API server of this test's own on another 127.0.0.1
// port, so every call is cross-origin with a CORS preflight. The server checks
// each SigV4 signature with its own implementation on node:crypto and answers.
// A screenshot of each browser's result page goes to test-output/browser/<browser>.png.
// BROWSERS=chromium,firefox picks some of them.
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS_KEY, OUT, SECRET, pageAndApi, sigV4Problem, type Seen } from "./api-server.js";
import { INSECURE_HOST, runPage, selectedBrowsers, type BrowserName } from "./drivers.js";

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

const browsers = selectedBrowsers();

describe("the esbuild bundle (with --splitting) in a browser", () => {
  let env: Awaited<ReturnType<typeof pageAndApi>>;
  let files = new Map<string, string>();
  let seen: Seen;
  let requested: string[] = [];

  beforeAll(async () => {
    // code splitting, as a one-command app would ship: lazy chunks are files the page fetches only when needed
    env = await pageAndApi(path.join(__dirname, "fixtures", "page.js"), "esbuild bundle of the client", () => requested, ["127.0.0.1", INSECURE_HOST]);
    ({ files, seen } = env);
  });

  afterAll(async () => {
    await env?.close();
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
    const run = await runPage(name, env.pageUrl(host), path.join(OUT, screenshot));
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
