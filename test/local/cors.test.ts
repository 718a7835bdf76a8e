/**
 * CORS on the local endpoint: preflights are answered only when `cors` allows the page's origin, and
 * responses carry the headers a browser needs to read them (request id, error type).
 */
import { afterEach, describe, expect, it } from "vitest";
import { startLocalCodePipeline, type LocalCodePipeline, type LocalCodePipelineOptions } from "../../src/local/index.js";
import { CodePipelineClient, GetPipelineCommand, ListPipelinesCommand, PipelineNotFoundException } from "../../src/index.js";

let local: LocalCodePipeline | undefined;
afterEach(async () => {
  await local?.close();
  local = undefined;
});

const start = async (options: LocalCodePipelineOptions) => (local = await startLocalCodePipeline({ actionDelayMs: 5, ...options }));

/** A preflight as Chromium sends it before a signed CodePipeline call. */
const preflight = (endpoint: string, origin: string, extra: Record<string, string> = {}) =>
  fetch(endpoint, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-target,x-amz-user-agent",
      ...extra,
    },
  });

describe("local endpoint CORS", () => {
  it("is off by default: a preflight gets a 403 that says how to turn it on, and responses carry no CORS headers", async () => {
    const lines: string[] = [];
    const { endpoint } = await start({ log: (l) => lines.push(l) });
    const res = await preflight(endpoint, "http://localhost:5173");
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect((await res.json()).message).toMatch(/start the local endpoint with the cors option \(or --cors\)/);
    expect(lines.at(-1)).toMatch(/^OPTIONS 403 CORS is off/);
  });

  it("with cors: true answers any origin's preflight and lets the page read the request id and error type", async () => {
    const lines: string[] = [];
    const { endpoint, clientConfig } = await start({ cors: true, log: (l) => lines.push(l) });
    const origin = "http://localhost:5173";
    const res = await preflight(endpoint, origin);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("access-control-allow-methods")).toBe("POST, OPTIONS");
    expect(res.headers.get("access-control-allow-headers")).toContain("x-amz-target");
    expect(res.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(Number(res.headers.get("access-control-max-age"))).toBeGreaterThan(0);
    expect(lines.at(-1)).toBe("OPTIONS 204 (CORS preflight)");

    // The API calls themselves, signed as usual, with an Origin header as a browser sends it.
    const client = new CodePipelineClient({ ...clientConfig, maxAttempts: 1 });
    client.middlewareStack.add(
      (next) => async (args: any) => {
        args.request.headers.origin = origin;
        return next(args);
      },
      { step: "build", name: "origin" },
    );
    const list = await client.send(new ListPipelinesCommand({}));
    expect(list.pipelines).toEqual([]);
    const error = await client.send(new GetPipelineCommand({ name: "missing" })).catch((e) => e);
    expect(error).toBeInstanceOf(PipelineNotFoundException);
    client.destroy();
    const seen = (await fetch(endpoint, { method: "POST", headers: { origin } })).headers;
    expect(seen.get("access-control-allow-origin")).toBe(origin);
    expect(seen.get("access-control-expose-headers")).toBe("x-amzn-requestid, x-amzn-errortype, date");
    expect(seen.get("vary")).toBe("origin");
  });

  it("with a list of origins allows only those, and answers Chromium's private-network question", async () => {
    const { endpoint } = await start({ cors: ["http://localhost:5173", "https://app.example.com"] });
    const ok = await preflight(endpoint, "https://app.example.com", { "access-control-request-private-network": "true" });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(ok.headers.get("access-control-allow-private-network")).toBe("true");
    const other = await preflight(endpoint, "http://evil.example");
    expect(other.status).toBe(403);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect((await other.json()).message).toContain('"http://evil.example" is not among');
    // A request from a page that is not allowed gets no CORS headers, so the browser keeps the response from it.
    const post = await fetch(endpoint, { method: "POST", headers: { origin: "http://evil.example" } });
    expect(post.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses an origin with a path, and treats '*' in a list as any origin", async () => {
    await expect(startLocalCodePipeline({ cors: "http://localhost:5173/app" })).rejects.toThrow(/scheme, host, optional port, no path/);
    const { endpoint } = await start({ cors: ["*"] });
    expect((await preflight(endpoint, "http://anything.test:8080")).status).toBe(204);
  });
});
