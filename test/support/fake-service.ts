/**
 * A scripted CodePipeline for the helper tests: a request handler given to a
 * real `CodePipelineClient`, answering each operation from a function, and
 * recording every call (operation and decoded input).
 */
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from "@smithy/types";
import { CodePipelineClient } from "../../src/client.js";
import type { CodePipelineClientConfig, HttpHandler } from "../../src/config.js";
import { getSettings } from "../../src/settings.js";

/**
 * Settings each client loads at its first call (environment, profile files, the signer module).
 * Fake-clock tests wait for these first, so real I/O never races the fake clock.
 */
const loading: Promise<unknown>[] = [];
export const clientsReady = () => Promise.all(loading.splice(0));

/** Thrown by an operation function to answer with a service error. */
export class FakeError extends Error {
  constructor(
    readonly code: string,
    message = code,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type Operation = (input: any, call: { n: number; signal?: AbortSignal }) => unknown;

export interface Call {
  op: string;
  input: any;
}

/** A promise that never settles: an operation that hangs until the caller aborts. */
export const hang = (): Promise<never> => new Promise(() => {});

export function fakeService(operations: Record<string, Operation>, config: CodePipelineClientConfig = {}) {
  const calls: Call[] = [];
  const counts: Record<string, number> = {};
  const handler: HttpHandler = {
    async handle(request: HttpRequest, options?: HttpHandlerOptions) {
      const op = String(request.headers["x-amz-target"]).split(".")[1]!;
      const text = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body as Uint8Array);
      const input = JSON.parse(text || "{}");
      calls.push({ op, input });
      counts[op] = (counts[op] ?? 0) + 1;
      const fn = operations[op];
      let status = 200;
      let body: unknown;
      if (!fn) {
        status = 400;
        body = { __type: "UnknownOperationException", message: `no script for ${op}` };
      } else {
        try {
          body = (await fn(input, { n: counts[op]!, signal: options?.abortSignal as AbortSignal | undefined })) ?? {};
        } catch (e) {
          if (!(e instanceof FakeError)) throw e;
          status = e.status;
          body = { __type: e.code, message: e.message };
        }
      }
      const response = {
        statusCode: status,
        headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `req-${calls.length}` },
        body: new TextEncoder().encode(JSON.stringify(body)),
      } as HttpResponse;
      return { response };
    },
  };
  const client = new CodePipelineClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" },
    requestHandler: handler,
    maxAttempts: 1,
    ...config,
  });
  loading.push(getSettings(client.config).catch(() => undefined));
  return {
    client,
    calls,
    /** Inputs of every call to one operation, in order. */
    inputs: (op: string) => calls.filter((c) => c.op === op).map((c) => c.input),
    count: (op: string) => counts[op] ?? 0,
  };
}

/** Lets pending promise callbacks run (a few turns of the microtask queue and one macrotask). */
export const flush = async (turns = 5) => {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
};

export const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
