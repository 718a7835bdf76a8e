/**
 * Helpers for the config suite: a sandbox for environment variables and a temporary HOME,
 * and a request handler that records where requests go and with which credentials.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { HttpRequest } from "@smithy/types";
import type { HttpHandler } from "../../src/config.js";

export const KEYS = { accessKeyId: "AKIDCONFIGTEST", secretAccessKey: "config/test/secret/key/0000000000000000" };

/**
 * Before each test: no AWS_* variable, HOME (and USERPROFILE) in a fresh temporary directory, and
 * IMDS turned off so nothing leaves the machine. After each test the environment is put back.
 * `sandbox.home` is the temporary HOME; `sandbox.write(path, text)` writes a file under it.
 */
export function useSandbox() {
  const sandbox = {
    home: "",
    /** Writes `text` to `rel` under the temporary HOME and returns the absolute path. */
    write(rel: string, text: string): string {
      const path = join(sandbox.home, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
  };
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith("AWS_")) delete process.env[k];
    // a new directory per test: the ini loader caches files by path
    sandbox.home = mkdtempSync(join(tmpdir(), "cp-config-"));
    process.env.HOME = sandbox.home;
    process.env.USERPROFILE = sandbox.home;
    process.env.AWS_EC2_METADATA_DISABLED = "true";
    // The STS client of the credential chain would print v3's Node version warning.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    rmSync(sandbox.home, { recursive: true, force: true });
  });
  return sandbox;
}

/** A request handler that records each request and answers ListPipelines with no pipelines. */
export function recorder() {
  const requests: HttpRequest[] = [];
  const handler: HttpHandler & { requests: HttpRequest[]; url(i?: number): string; accessKey(i?: number): string | undefined } = {
    requests,
    async handle(request) {
      requests.push({ ...request, headers: { ...request.headers } });
      return {
        response: {
          statusCode: 200,
          headers: { "content-type": "application/x-amz-json-1.1" },
          body: new TextEncoder().encode('{"pipelines":[]}'),
        } as any,
      };
    },
    /** The URL of request `i` (default: the last one). */
    url(i = requests.length - 1) {
      const r = requests[i]!;
      return `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ""}${r.path}`;
    },
    /** The access key id request `i` was signed with. */
    accessKey(i = requests.length - 1) {
      return /Credential=([^/]+)\//.exec(String(requests[i]!.headers.authorization))?.[1];
    },
  };
  return handler;
}
