/**
 * Helpers for the resilience suite: a real HTTP server on 127.0.0.1 whose behaviour
 * each test scripts, and clients pointed at it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { CodePipelineClient } from "../../src/client.js";
import type { CodePipelineClientConfig } from "../../src/config.js";

/** Credentials made of strings that must never show up in a log or an error. */
export const SECRET_KEY = "SECRETsecretSECRETsecretSECRETsecret0001";
export const SESSION_TOKEN = "SESSIONtokenSESSIONtokenSESSIONtoken0002";
export const CREDENTIALS = { accessKeyId: "AKIDRESILIENCE000001", secretAccessKey: SECRET_KEY, sessionToken: SESSION_TOKEN };

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Reply = (req: Received, res: ServerResponse, n: number, raw: IncomingMessage) => void | Promise<void>;

export interface TestServer {
  url: string;
  port: number;
  server: Server;
  /** Every request the server got, in order. */
  requests: Received[];
  /** Replaces the server's behaviour. */
  reply(r: Reply): void;
  close(): Promise<void>;
}

/** A server of the test's own; `reply` decides what each request gets (the n-th is 1-based). */
export async function startServer(reply: Reply = json({})): Promise<TestServer> {
  const requests: Received[] = [];
  const sockets = new Set<Socket>();
  let current = reply;
  const server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on("data", (c: Buffer) => chunks.push(c));
    raw.on("end", () => {
      const req: Received = { method: raw.method ?? "", url: raw.url ?? "", headers: raw.headers, body: Buffer.concat(chunks).toString() };
      requests.push(req);
      void Promise.resolve(current(req, res, requests.length, raw)).catch(() => res.destroy());
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    requests,
    reply: (r) => (current = r),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A JSON reply with a status and headers. */
export const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-1", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  };

/** Replies with each of `replies` in turn, then repeats the last. */
export const sequence =
  (...replies: Reply[]): Reply =>
  (req, res, n, raw) =>
    replies[Math.min(n, replies.length) - 1]!(req, res, n, raw);

/** A service error in the awsJson1_1 shape. */
export const serviceError = (status: number, type: string, message = "boom", headers: Record<string, string> = {}): Reply =>
  json({ __type: type, message }, status, headers);

/** A client for `url` with test credentials; no retries wait long unless a test wants them to. */
export function clientFor(url: string, config: CodePipelineClientConfig = {}): CodePipelineClient {
  return new CodePipelineClient({ region: "us-east-1", endpoint: url, credentials: CREDENTIALS, ...config });
}

/** Resolves with how the promise settled, without throwing. */
export const settle = <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: any }> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error) => ({ ok: false as const, error }),
  );
