/**
 * Shared helpers of the compatibility tests: both our client and the official v3 client
 * talk to the same fake request handler, which records each request and answers from a script.
 */
import * as v3 from "@aws-sdk/client-codepipeline";
import * as ours from "../../src/index.js";

export { v3, ours };

export interface FakeResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface SeenRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

const bodyText = (body: unknown): string =>
  body == null ? "" : typeof body === "string" ? body : body instanceof Uint8Array ? decoder.decode(body) : String(body);

/** A request handler that records requests and answers with `respond(request)`. */
export function fakeHandler(respond: (req: SeenRequest) => FakeResponse) {
  const requests: SeenRequest[] = [];
  const handler = {
    metadata: { handlerProtocol: "http/1.1" },
    async handle(request: any) {
      const seen: SeenRequest = {
        method: request.method,
        protocol: request.protocol,
        hostname: request.hostname,
        port: request.port,
        path: request.path,
        headers: { ...request.headers },
        body: bodyText(request.body),
      };
      requests.push(seen);
      const r = respond(seen);
      return {
        response: {
          statusCode: r.statusCode,
          reason: undefined,
          headers: { ...(r.headers ?? {}) },
          body: encoder.encode(r.body ?? ""),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
  return { handler, requests };
}

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

/** One client of each kind on the same fake handler. */
export function clientPair(respond: (req: SeenRequest) => FakeResponse, extra: Record<string, unknown> = {}) {
  const fake = fakeHandler(respond);
  const config = { region: "us-east-1", credentials, maxAttempts: 1, requestHandler: fake.handler, ...extra };
  return {
    requests: fake.requests,
    ours: new ours.CodePipelineClient(config as any),
    v3: new v3.CodePipelineClient(config as any),
  };
}

/** The parts of a request that make up the wire contract. */
export const wireView = (r: SeenRequest) => ({
  method: r.method,
  protocol: r.protocol,
  hostname: r.hostname,
  path: r.path,
  contentType: r.headers["content-type"],
  target: r.headers["x-amz-target"],
  host: r.headers["host"],
  body: r.body === "" ? undefined : JSON.parse(r.body),
});

/** Every own property of an error (enumerable or not, minus `stack`), for comparison. */
export function errorView(e: any) {
  const out: Record<string, unknown> = {
    name: e?.name,
    message: e?.message,
    $fault: e?.$fault,
    $metadata: e?.$metadata,
    isV3ServiceException: e instanceof v3.CodePipelineServiceException,
  };
  for (const k of Object.keys(e ?? {})) if (!(k in out)) out[k] = e[k];
  return out;
}

/** Runs `fn` and returns what it threw (fails when it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}
