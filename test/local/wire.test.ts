/**
 * The local endpoint at the wire: SigV4 checks, the awsJson1_1 envelope, and the errors it answers
 * before an operation runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { CodePipelineClient as V3Client, ListPipelinesCommand as V3ListPipelines, GetPipelineCommand as V3GetPipeline, PipelineNotFoundException as V3PipelineNotFound } from "@aws-sdk/client-codepipeline";
import * as C from "../../src/index.js";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import { approvalToken, pipeline, waitForStatus } from "./fixtures.js";

const creds = { accessKeyId: "AKIDWIRETEST", secretAccessKey: "wire-test-secret-value" };
let local: LocalCodePipeline;

beforeAll(async () => {
  local = await startLocalCodePipeline({ credentials: creds, region: "eu-west-1", actionDelayMs: 5 });
});
afterAll(() => local?.close());

const client = (config: Partial<C.CodePipelineClientConfig> = {}) =>
  new C.CodePipelineClient({ endpoint: local.endpoint, region: "eu-west-1", credentials: creds, maxAttempts: 1, ...config });

/** The error a call fails with. */
async function failure(promise: Promise<unknown>): Promise<C.CodePipelineServiceException> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof C.CodePipelineServiceException)) throw new Error(`expected a service error, got ${String(e)}`);
  return e;
}

/** Sends a request signed like the SDK does, after letting `tamper` change it. */
async function signedFetch(target: string, body: string, tamper?: (req: { headers: Record<string, string>; body: string }) => void, secret = creds.secretAccessKey) {
  const url = new URL(local.endpoint);
  const signer = new SignatureV4({ credentials: { ...creds, secretAccessKey: secret }, region: "eu-west-1", service: "codepipeline", sha256: Sha256 });
  const signed = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    query: {},
    headers: { host: url.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
    body,
  });
  const req = { headers: { ...(signed.headers as Record<string, string>) }, body };
  tamper?.(req);
  delete req.headers.host;
  const res = await fetch(local.endpoint, { method: "POST", headers: req.headers, body: req.body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, string> };
}

describe("signatures", () => {
  it("accepts a request signed with the endpoint's credentials", async () => {
    const out = await client().send(new C.ListPipelinesCommand({}));
    expect(out.pipelines).toEqual([]);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers InvalidSignatureException (403) for a wrong secret, without echoing it", async () => {
    const e = await failure(client({ credentials: { ...creds, secretAccessKey: "not-the-secret" } }).send(new C.ListPipelinesCommand({})));
    expect(e.name).toBe("InvalidSignatureException");
    expect(e.$metadata.httpStatusCode).toBe(403);
    expect(e.$fault).toBe("client");
    expect(e.message).toContain("signature we calculated does not match");
    expect(e.message).not.toContain("not-the-secret");
    expect(e.message).not.toContain(creds.secretAccessKey);
  });

  it("answers UnrecognizedClientException (400) for an unknown access key, without echoing it", async () => {
    const e = await failure(client({ credentials: { accessKeyId: "AKIDUNKNOWNKEY", secretAccessKey: "x" } }).send(new C.ListPipelinesCommand({})));
    expect(e.name).toBe("UnrecognizedClientException");
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.message).not.toContain("AKIDUNKNOWNKEY");
  });

  it("rejects a signature for another region", async () => {
    const e = await failure(client({ region: "us-west-2" }).send(new C.ListPipelinesCommand({})));
    expect(e.name).toBe("InvalidSignatureException");
    expect(e.message).toContain("'eu-west-1', not 'us-west-2'");
  });

  it("rejects a body or a signed header changed after signing", async () => {
    const body = await signedFetch("CodePipeline_20150709.ListPipelines", "{}", (r) => (r.body = '{"maxResults":1}'));
    expect(body.status).toBe(403);
    expect(body.json.__type).toBe("InvalidSignatureException");
    const header = await signedFetch("CodePipeline_20150709.ListPipelines", "{}", (r) => (r.headers["x-amz-target"] = "CodePipeline_20150709.ListWebhooks"));
    expect(header.status).toBe(403);
    expect(header.json.__type).toBe("InvalidSignatureException");
    const ok = await signedFetch("CodePipeline_20150709.ListPipelines", "{}");
    expect(ok.status).toBe(200);
  });

  it("answers MissingAuthenticationTokenException for an unsigned request", async () => {
    const res = await fetch(local.endpoint, { method: "POST", headers: { "x-amz-target": "CodePipeline_20150709.ListPipelines" }, body: "{}" });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ __type: "MissingAuthenticationTokenException", message: expect.any(String) });
  });

  it("checks the session token when the credentials have one", async () => {
    const withToken = { accessKeyId: "AKIDSESSION", secretAccessKey: "session-secret", sessionToken: "the-session-token" };
    const l = await startLocalCodePipeline({ credentials: [creds, withToken] });
    try {
      const c = (credentials: typeof withToken) => new C.CodePipelineClient({ endpoint: l.endpoint, region: l.region, credentials, maxAttempts: 1 });
      expect((await c(withToken).send(new C.ListPipelinesCommand({}))).pipelines).toEqual([]);
      const e = await failure(c({ ...withToken, sessionToken: "another-token" }).send(new C.ListPipelinesCommand({})));
      expect(e.name).toBe("UnrecognizedClientException");
      expect(e.message).not.toContain("token-");
      expect(l.credentials).toEqual(creds);
    } finally {
      await l.close();
    }
  });

  it("rejects a signature older than 15 minutes; the client corrects its clock from the Date header and retries", async () => {
    const c = client({ systemClockOffset: -20 * 60 * 1000, maxAttempts: 3 });
    const out = await c.send(new C.ListPipelinesCommand({}));
    expect(out.$metadata.attempts).toBe(2);
    expect(Math.abs(c.config.systemClockOffset)).toBeLessThan(60_000);
    const once = client({ systemClockOffset: -20 * 60 * 1000 });
    const e = await failure(once.send(new C.ListPipelinesCommand({})));
    expect(e.name).toBe("InvalidSignatureException");
    expect(e.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });
});

describe("the awsJson1_1 envelope", () => {
  it("answers with the JSON content type, a request id and a Date header", async () => {
    const res = await signedFetch("CodePipeline_20150709.ListPipelines", "{}");
    expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Date.parse(res.headers.get("date")!)).not.toBeNaN();
    expect(res.json).toEqual({ pipelines: [] });
  });

  it("answers errors with __type and message, and the status the model gives", async () => {
    const res = await signedFetch("CodePipeline_20150709.GetPipeline", '{"name":"missing"}');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ __type: "PipelineNotFoundException", message: expect.stringContaining("missing") });
    // ConflictException is the one error the model gives another status (409): a rollback while
    // another execution runs in the stage.
    const c = client();
    await c.send(
      new C.CreatePipelineCommand({
        pipeline: {
          name: "conflicts",
          roleArn: "arn:aws:iam::000000000000:role/r",
          artifactStore: { type: "S3", location: "bucket" },
          pipelineType: "V2",
          stages: [
            { name: "Source", actions: [{ name: "S", actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" }, configuration: { S3Bucket: "b", S3ObjectKey: "k" }, outputArtifacts: [{ name: "A" }] }] },
            { name: "Approve", actions: [{ name: "Gate", actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" } }] },
          ],
        },
      }),
    );
    const first = await c.send(new C.StartPipelineExecutionCommand({ name: "conflicts" }));
    await c.send(new C.PutApprovalResultCommand({ pipelineName: "conflicts", stageName: "Approve", actionName: "Gate", token: await approvalToken(c, "conflicts", "Approve", "Gate"), result: { status: "Approved", summary: "" } }));
    await waitForStatus(c, "conflicts", first.pipelineExecutionId!, "Succeeded");
    await c.send(new C.StartPipelineExecutionCommand({ name: "conflicts" }));
    await approvalToken(c, "conflicts", "Approve", "Gate");
    const e = await c.send(new C.RollbackStageCommand({ pipelineName: "conflicts", stageName: "Approve", targetPipelineExecutionId: first.pipelineExecutionId })).catch((x) => x);
    expect(e).toBeInstanceOf(C.ConflictException);
    expect(e.$metadata.httpStatusCode).toBe(409);
  });

  it("answers UnknownOperationException and SerializationException", async () => {
    const unknown = await signedFetch("CodePipeline_20150709.LaunchRocket", "{}");
    expect(unknown.status).toBe(400);
    expect(unknown.json.__type).toBe("UnknownOperationException");
    const proto = await signedFetch("CodePipeline_20150709.__proto__", "{}");
    expect(proto.json.__type).toBe("UnknownOperationException");
    const notJson = await signedFetch("CodePipeline_20150709.ListPipelines", "{nope");
    expect(notJson.status).toBe(400);
    expect(notJson.json.__type).toBe("SerializationException");
    const array = await signedFetch("CodePipeline_20150709.ListPipelines", "[]");
    expect(array.json.__type).toBe("SerializationException");
  });
});

describe("null members", () => {
  it("are absent members, at every depth and in maps, as the awsJson1_1 server protocol tests say", async () => {
    const list = await signedFetch("CodePipeline_20150709.ListPipelines", '{"nextToken":null,"maxResults":null}');
    expect(list.status).toBe(200);
    const declaration = pipeline("absent-members");
    const stages = declaration.stages!.filter((st) => st.name === "Source" || st.name === "Approve");
    const body = {
      pipeline: {
        ...declaration,
        stages: stages.map((st, i) => ({
          ...st,
          blockers: null,
          actions: st.actions!.map((a) => ({ ...a, runOrder: null, region: null, ...(i === 0 ? { configuration: { ...a.configuration, Gone: null } } : {}) })),
        })),
        artifactStore: { ...declaration.artifactStore, encryptionKey: null },
        variables: null,
        triggers: null,
      },
      tags: null,
    };
    const created = await signedFetch("CodePipeline_20150709.CreatePipeline", JSON.stringify(body));
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    const got = await signedFetch("CodePipeline_20150709.GetPipeline", '{"name":"absent-members","version":null}');
    expect(got.status).toBe(200);
    const stored = (got.json as any).pipeline;
    expect(stored.stages[0].actions[0].configuration).toEqual(stages[0]!.actions![0]!.configuration);
    expect(stored.artifactStore).toEqual(declaration.artifactStore);
    expect(JSON.stringify(stored)).not.toContain(":null");
  });
});

describe("the official v3 client", () => {
  it("works against the local endpoint, typed errors included", async () => {
    const v3 = new V3Client({ endpoint: local.endpoint, region: "eu-west-1", credentials: creds, maxAttempts: 1 });
    try {
      const out = await v3.send(new V3ListPipelines({}));
      expect(Array.isArray(out.pipelines)).toBe(true);
      const e = await v3.send(new V3GetPipeline({ name: "missing" })).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(V3PipelineNotFound);
    } finally {
      v3.destroy();
    }
  });
});

describe("options", () => {
  it("rejects bad options and generates credentials when none are given", async () => {
    await expect(startLocalCodePipeline({ accountId: "123" })).rejects.toThrow(TypeError);
    await expect(startLocalCodePipeline({ actionDelayMs: -1 })).rejects.toThrow(TypeError);
    await expect(startLocalCodePipeline({ credentials: { accessKeyId: "a" } as never })).rejects.toThrow(TypeError);
    const a = await startLocalCodePipeline();
    const b = await startLocalCodePipeline();
    try {
      expect(a.credentials.accessKeyId).not.toBe(b.credentials.accessKeyId);
      expect(a.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(a.clientConfig).toEqual({ endpoint: a.endpoint, region: "us-east-1", credentials: a.credentials });
      // b's credentials are unknown to a.
      const e = await failure(new C.CodePipelineClient({ ...a.clientConfig, credentials: b.credentials, maxAttempts: 1 }).send(new C.ListPipelinesCommand({})));
      expect(e.name).toBe("UnrecognizedClientException");
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("startExecutionOnCreate starts an execution when a pipeline is created", async () => {
    const l = await startLocalCodePipeline({ startExecutionOnCreate: true, actionDelayMs: 1 });
    try {
      const c = new C.CodePipelineClient({ ...l.clientConfig, maxAttempts: 1 });
      await c.send(
        new C.CreatePipelineCommand({
          pipeline: {
            name: "auto",
            roleArn: "arn:aws:iam::000000000000:role/r",
            artifactStore: { type: "S3", location: "bucket" },
            stages: [
              { name: "Source", actions: [{ name: "S", actionTypeId: { category: "Source", owner: "AWS", provider: "S3", version: "1" }, configuration: { S3Bucket: "b", S3ObjectKey: "k" }, outputArtifacts: [{ name: "A" }] }] },
              { name: "Deploy", actions: [{ name: "D", actionTypeId: { category: "Deploy", owner: "AWS", provider: "S3", version: "1" }, configuration: { BucketName: "b", Extract: "true" }, inputArtifacts: [{ name: "A" }] }] },
            ],
          },
        }),
      );
      const list = await c.send(new C.ListPipelineExecutionsCommand({ pipelineName: "auto" }));
      expect(list.pipelineExecutionSummaries?.map((e) => e.trigger?.triggerType)).toEqual(["CreatePipeline"]);
    } finally {
      await l.close();
    }
  });
});
