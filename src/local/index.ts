/**
 * A local CodePipeline endpoint for tests, demos and offline development (Node only).
 *
 * ```ts
 * import { startLocalCodePipeline } from "codepipeline-client/local";
 * import { CodePipelineClient, ListPipelinesCommand } from "codepipeline-client";
 *
 * const local = await startLocalCodePipeline();
 * const client = new CodePipelineClient(local.clientConfig);
 * await client.send(new ListPipelinesCommand({}));
 * await local.close();
 * ```
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { operations } from "../generated/shapes.js";
import { CONTENT_TYPE, TARGET_PREFIX } from "../generated/service.js";
import { validateShape } from "../validation/validate.js";
import { dropNull } from "../protocol.js";
import { applyCors, corsOrigins, type LocalCorsOption } from "./cors.js";
import { Engine } from "./engine.js";
import type { FailureMatch } from "./records.js";
import { LocalService } from "./service.js";
import { triggerWebhook } from "./webhooks.js";
import { type LocalCredentials, verifySignature } from "./sigv4.js";
import { ServiceError, token, toJson, uuid } from "./util.js";

export type { LocalCorsOption } from "./cors.js";
export type { FailureMatch } from "./records.js";
export type { LocalCredentials } from "./sigv4.js";

/** Options of `startLocalCodePipeline`; every one is optional. */
export interface LocalCodePipelineOptions {
  /** TCP port on 127.0.0.1. Default 0: a free port, see `endpoint`. */
  port?: number;
  /** The region the endpoint serves; requests must be signed for it. Default "us-east-1". */
  region?: string;
  /** The account id in ARNs and job details. Default "000000000000". */
  accountId?: string;
  /** The credentials requests must be signed with (one set or several). Default: a random set, see `credentials`. */
  credentials?: LocalCredentials | LocalCredentials[];
  /** How long an AWS-owned action (or a stage condition rule) takes before it succeeds, in ms. Default 50. */
  actionDelayMs?: number;
  /**
   * How long a job handed out by `PollForJobs` or `PollForThirdPartyJobs` waits for its acknowledgement,
   * in ms. A job nobody acknowledges in time (the poll's answer was lost, or the worker died) is queued
   * again with a new nonce, and the next poll hands it out. Default 60 000.
   */
  jobAcknowledgeTimeoutMs?: number;
  /** Start an execution when a pipeline is created, as AWS does. Default false: tests start the executions they wait for. */
  startExecutionOnCreate?: boolean;
  /**
   * Check every response against the model before sending it; a response that breaks the model is
   * answered with a 500 `InternalFailure` listing the problems. Meant for testing the endpoint itself.
   */
  validateResponses?: boolean;
  /** Receives one line per request (operation, status, error name). Never credentials. */
  log?: (line: string) => void;
  /**
   * Lets browser pages on other origins call the endpoint: answers CORS preflights and adds the headers a browser
   * needs to read responses. `true` (or `"*"`) allows any origin, which suits an endpoint on loopback; an origin
   * or a list of origins allows only those. Default: off, and a preflight gets a 403 that says how to turn it on.
   */
  cors?: LocalCorsOption;
}

/** A running local endpoint: where it listens, what it accepts, and controls for tests. */
export interface LocalCodePipeline {
  /** Where the endpoint listens, e.g. "http://127.0.0.1:50123". */
  readonly endpoint: string;
  /** The region the endpoint serves. */
  readonly region: string;
  /** The 12-digit account id used in ARNs and job details. */
  readonly accountId: string;
  /** The credentials the endpoint accepts (the first set when several were given). */
  readonly credentials: LocalCredentials;
  /** `{ endpoint, region, credentials }`, ready to spread into a client's config. */
  readonly clientConfig: {
    /** Same as the endpoint's `endpoint`. */
    endpoint: string;
    /** Same as the endpoint's `region`. */
    region: string;
    /** Same as the endpoint's `credentials`. */
    credentials: LocalCredentials;
  };
  /** Makes the next run(s) of an AWS-owned action fail (custom, third-party and approval actions fail through their own APIs). */
  failAction(match: FailureMatch): void;
  /** Makes the next run(s) of a stage condition rule fail. */
  failRule(match: FailureMatch): void;
  /** Stops listening, drops open connections and cancels every pending action. */
  close(): Promise<void>;
}


/** Starts a local CodePipeline endpoint on 127.0.0.1. */
export async function startLocalCodePipeline(options: LocalCodePipelineOptions = {}): Promise<LocalCodePipeline> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "000000000000";
  if (!/^[0-9]{12}$/.test(accountId)) throw new TypeError(`accountId must be 12 digits, got ${JSON.stringify(accountId)}`);
  const actionDelayMs = options.actionDelayMs ?? 50;
  if (!(actionDelayMs >= 0)) throw new TypeError(`actionDelayMs must be 0 or more, got ${String(options.actionDelayMs)}`);
  const jobAcknowledgeTimeoutMs = options.jobAcknowledgeTimeoutMs ?? 60_000;
  if (!(jobAcknowledgeTimeoutMs >= 0))
    throw new TypeError(`jobAcknowledgeTimeoutMs must be 0 or more, got ${String(options.jobAcknowledgeTimeoutMs)}`);
  const given = options.credentials === undefined ? [] : Array.isArray(options.credentials) ? options.credentials : [options.credentials];
  for (const c of given)
    if (!c?.accessKeyId || !c.secretAccessKey) throw new TypeError("each credentials entry needs accessKeyId and secretAccessKey");
  const creds = given.length ? given : [{ accessKeyId: `AKIALOCAL${token(11).toUpperCase()}`, secretAccessKey: token(40) }];
  const keys = new Map(creds.map((c) => [c.accessKeyId, { ...c }]));

  const engine = new Engine({ region, accountId, actionDelayMs, jobAcknowledgeTimeoutMs, startExecutionOnCreate: options.startExecutionOnCreate ?? false });
  const service = new LocalService(engine);
  const log = options.log;
  const allowedOrigins = corsOrigins(options.cors);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks)).catch((e) => {
        if (!res.headersSent) send(res, 500, uuid(), { __type: "InternalFailure", message: "The local endpoint failed to handle the request." });
        log?.(`internal error: ${e instanceof Error ? e.message : String(e)}`);
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const corsAnswer = applyCors(req, res, allowedOrigins);
    if (corsAnswer !== undefined) return void log?.(corsAnswer);
    const path = req.url ?? "/";
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(",") : v;
    const requestId = uuid();

    const hook = /^\/webhooks\/([0-9a-f-]+)$/.exec(path);
    if (hook && req.method === "POST") {
      const out = triggerWebhook(engine, hook[1]!, headers, body, req.socket.remoteAddress ?? "");
      log?.(`webhook ${hook[1]} ${out.status}`);
      return send(res, out.status, requestId, out.body);
    }

    const target = headers["x-amz-target"] ?? "";
    const opName = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
    const label = opName ?? (target || `${req.method} ${path}`);
    const answer = (status: number, payload: object, error?: string) => {
      log?.(`${label} ${status}${error ? ` ${error}` : ""}`);
      send(res, status, requestId, payload);
    };
    const answerError = (e: ServiceError) => answer(e.status, { __type: e.code, message: e.message }, e.code);
    try {
      await verifySignature({ method: req.method ?? "GET", path, headers, body }, keys, region);
      const op = opName === undefined ? undefined : operations[opName];
      if (req.method !== "POST" || !op || !Object.hasOwn(operations, opName!))
        throw new ServiceError("UnknownOperationException", `Unknown operation ${JSON.stringify(target)}: send POST with x-amz-target ${TARGET_PREFIX}<Operation>.`);
      let input: unknown = {};
      const text = body.toString("utf8");
      if (text.trim()) {
        try {
          // a null member is an absent one (as the awsJson1_1 server protocol tests say), in maps too
          input = JSON.parse(text, dropNull);
        } catch {
          throw new ServiceError("SerializationException", "The request body is not valid JSON.");
        }
      }
      if (typeof input !== "object" || input === null || Array.isArray(input))
        throw new ServiceError("SerializationException", "The request body must be a JSON object.");
      if (op.input) {
        const problems = validateShape(op.input, input, "", { wire: true });
        if (problems.length)
          throw new ServiceError(
            "ValidationException",
            `${problems.length} validation error${problems.length === 1 ? "" : "s"} detected: ${problems.join("; ")}`,
          );
      }
      const output = service.handlers[opName!]!(input);
      const json = toJson(output);
      if (options.validateResponses && op.output) {
        const problems = validateShape(op.output, JSON.parse(json), "", { wire: true });
        if (problems.length) return answer(500, { __type: "InternalFailure", message: `The ${opName} response breaks the model: ${problems.join("; ")}` }, "InternalFailure");
      }
      log?.(`${label} 200`);
      sendRaw(res, 200, requestId, json);
    } catch (e) {
      if (e instanceof ServiceError) return answerError(e);
      throw e;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  service.endpoint = endpoint;
  const credentials = { ...creds[0]! };
  let closing: Promise<void> | undefined;

  return {
    endpoint,
    region,
    accountId,
    credentials,
    clientConfig: { endpoint, region, credentials },
    failAction: (match) => engine.addFailure("action", match),
    failRule: (match) => engine.addFailure("rule", match),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        engine.stopTimers();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function send(res: ServerResponse, status: number, requestId: string, payload: object): void {
  sendRaw(res, status, requestId, toJson(payload));
}

function sendRaw(res: ServerResponse, status: number, requestId: string, json: string): void {
  res.writeHead(status, {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(json),
    "x-amzn-requestid": requestId,
  });
  res.end(json);
}
