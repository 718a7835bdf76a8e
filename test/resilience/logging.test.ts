/**
 * The logger gets one entry per call with sensitive values redacted, and no secret
 * (the client's keys, a job's artifact credentials) reaches a log line or an error message.
 */
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "@smithy/types";
import {
  GetJobDetailsCommand,
  GetThirdPartyJobDetailsCommand,
  ListPipelinesCommand,
  PollForJobsCommand,
} from "../../src/index.js";
import { SENSITIVE } from "../../src/failure.js";
import { CREDENTIALS, SECRET_KEY, SESSION_TOKEN, clientFor, json, sequence, serviceError, settle, startServer, type TestServer } from "./helpers.js";

const ARTIFACT = {
  accessKeyId: "ASIAARTIFACTKEY00001",
  secretAccessKey: "artifactSECRETartifactSECRETartifact0003",
  sessionToken: "artifactTOKENartifactTOKENartifactTOKEN0004",
};
const SECRETS = [SECRET_KEY, SESSION_TOKEN, ARTIFACT.secretAccessKey, ARTIFACT.sessionToken, ARTIFACT.accessKeyId];

// credentials early in the body, so a cut-off body's snippet reaches them
const jobData = { artifactCredentials: ARTIFACT, actionTypeId: { category: "Build", owner: "Custom", provider: "P", version: "1" }, pipelineContext: { pipelineName: "pipe" } };
const pollBody = { jobs: [{ data: jobData, id: "job-1", nonce: "n", accountId: "111122223333" }] };
const jobDetailsBody = { jobDetails: { id: "job-1", accountId: "111122223333", data: jobData } };
const thirdPartyBody = { jobDetails: { id: "job-2", nonce: "n", data: jobData } };

/** Everything a logger was given, serialized as a log shipper would (messages, causes and stacks included). */
function capture() {
  const entries: { level: string; entry: any }[] = [];
  const at = (level: string) => (entry: any) => entries.push({ level, entry });
  const logger: Logger = { trace: at("trace"), debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  const text = () => entries.map((e) => `${e.level} ${inspect(e.entry, { depth: 20 })} ${JSON.stringify(e.entry, errorFields)}`).join("\n");
  return { logger, entries, text };
}
const errorFields = (_k: string, v: unknown) =>
  v instanceof Error ? { ...v, name: v.name, message: v.message, stack: v.stack, cause: (v as { cause?: unknown }).cause } : v;
const errorText = (e: any): string => `${String(e)} ${e?.stack} ${inspect(e, { depth: 20 })} ${JSON.stringify(e, errorFields)}`;

const expectNoSecret = (text: string) => {
  for (const s of SECRETS) expect(text).not.toContain(s);
  // nor a good part of one, as a JSON.parse message could quote
  for (const s of SECRETS) expect(text).not.toContain(s.slice(4, 20));
};

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => {
  vi.spyOn(Math, "random").mockReturnValue(0);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("one entry per call", () => {
  it("a success is one info entry with client, command, input, output (no $metadata) and metadata, after the retries", async () => {
    server.reply(sequence(serviceError(503, "ServiceUnavailableException"), json({ pipelines: [{ name: "p" }] })));
    const { logger, entries } = capture();
    const client = clientFor(server.url, { logger });
    await client.send(new ListPipelinesCommand({ maxResults: 5 }));
    client.destroy();
    const calls = entries.filter((e) => e.level === "info" || e.level === "error");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual({
      level: "info",
      entry: {
        clientName: "CodePipelineClient",
        commandName: "ListPipelinesCommand",
        input: { maxResults: 5 },
        output: { pipelines: [{ name: "p" }] },
        metadata: expect.objectContaining({ httpStatusCode: 200, requestId: "req-1", attempts: 2, totalRetryDelay: 0 }),
      },
    });
  });

  it("a failure is one error entry with the error and its metadata", async () => {
    server.reply(serviceError(400, "ValidationException", "bad input"));
    const { logger, entries } = capture();
    const client = clientFor(server.url, { logger });
    const r = await settle(client.send(new ListPipelinesCommand({})));
    client.destroy();
    const calls = entries.filter((e) => e.level === "info" || e.level === "error");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.level).toBe("error");
    expect(calls[0]!.entry).toMatchObject({ clientName: "CodePipelineClient", commandName: "ListPipelinesCommand", input: {}, metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(calls[0]!.entry.error).toBe(!r.ok && r.error);
  });

  it("a logger that throws does not fail the call", async () => {
    server.reply(json({ pipelines: [] }));
    const boom = () => {
      throw new Error("logger broke");
    };
    const client = clientFor(server.url, { logger: { trace() {}, debug() {}, info: boom, warn() {}, error: boom } });
    await expect(client.send(new ListPipelinesCommand({}))).resolves.toMatchObject({ pipelines: [] });
    client.destroy();
  });
});

describe("redaction", () => {
  it.each([
    ["PollForJobs", () => new PollForJobsCommand({ actionTypeId: jobData.actionTypeId as any }), pollBody, (o: any) => o.jobs[0].data],
    ["GetJobDetails", () => new GetJobDetailsCommand({ jobId: "job-1" }), jobDetailsBody, (o: any) => o.jobDetails.data],
    ["GetThirdPartyJobDetails", () => new GetThirdPartyJobDetailsCommand({ jobId: "job-2", clientToken: "t" }), thirdPartyBody, (o: any) => o.jobDetails.data],
  ])("%s: artifactCredentials are logged as ***SensitiveInformation***, and returned intact", async (_op, command, body, data) => {
    server.reply(json(body));
    const { logger, entries, text } = capture();
    const client = clientFor(server.url, { logger });
    const out = await client.send(command() as any);
    client.destroy();
    expect(data(out).artifactCredentials).toEqual(ARTIFACT); // the caller gets the real values
    const info = entries.find((e) => e.level === "info")!;
    expect(data(info.entry.output).artifactCredentials).toBe(SENSITIVE);
    expect(data(info.entry.output).pipelineContext).toEqual({ pipelineName: "pipe" }); // the rest is kept
    expectNoSecret(text());
  });

  it("a cut-off PollForJobs body: the DeserializationError and its log entry hold no credential", async () => {
    const full = JSON.stringify(pollBody);
    expect(full.indexOf(ARTIFACT.sessionToken)).toBeLessThan(200);
    for (const cut of [full.indexOf(ARTIFACT.secretAccessKey) + 10, full.indexOf(ARTIFACT.sessionToken) + 25, full.length - 3]) {
      server.reply(json(full.slice(0, cut)));
      const { logger, text } = capture();
      const client = clientFor(server.url, { logger });
      const r = await settle(client.send(new PollForJobsCommand({ actionTypeId: jobData.actionTypeId as any })));
      client.destroy();
      expect(!r.ok && r.error.name).toBe("DeserializationError");
      expect(!r.ok && r.error.bodySnippet).toContain(SENSITIVE);
      expectNoSecret(errorText(!r.ok && r.error));
      expectNoSecret(text());
    }
  });

  it("a body that is not JSON at all, around the credentials, does not leak them through the parser's message", async () => {
    const broken = JSON.stringify(pollBody).replace(`"${ARTIFACT.secretAccessKey}"`, `${ARTIFACT.secretAccessKey}`);
    server.reply(json(broken));
    const client = clientFor(server.url);
    const r = await settle(client.send(new PollForJobsCommand({ actionTypeId: jobData.actionTypeId as any })));
    client.destroy();
    expect(!r.ok && r.error.name).toBe("DeserializationError");
    expectNoSecret(errorText(!r.ok && r.error));
  });

  it("no error or log line of a failing call carries the client's secret key or session token", async () => {
    const { logger, text } = capture();
    const faults = [serviceError(403, "AccessDeniedException", "denied"), json("<html>oops</html>", 502), (_q: any, res: any) => res.socket.destroy()];
    for (const f of faults) {
      server.reply(f as any);
      const client = clientFor(server.url, { logger, maxAttempts: 2 });
      const r = await settle(client.send(new ListPipelinesCommand({})));
      client.destroy();
      expect(r.ok).toBe(false);
      expectNoSecret(errorText(!r.ok && r.error));
    }
    const timeoutClient = clientFor(server.url, { logger, requestTimeout: 30, maxAttempts: 1 });
    server.reply(() => {});
    const t = await settle(timeoutClient.send(new ListPipelinesCommand({})));
    timeoutClient.destroy();
    expect(!t.ok && t.error.name).toBe("TimeoutError");
    expectNoSecret(errorText(!t.ok && t.error));
    expectNoSecret(text());
    expect(text()).not.toContain(CREDENTIALS.secretAccessKey);
  });
});
