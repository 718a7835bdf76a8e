import { afterEach, describe, expect, it, vi } from "vitest";
import { createLambdaJobHandler, parseUserParameters, type CodePipelineJobEvent, type LambdaJob } from "../../src/index.js";
import { FakeError, fakeService, uuid } from "../support/fake-service.js";
import { settle, useClock } from "../support/clock.js";

const SECRET = "lambdaSecretAccessKeyValue0123456789";
const SESSION = "lambdaSessionTokenValue0123456789";
const JOB = uuid(7);

const event = (userParameters?: string, extra: object = {}): CodePipelineJobEvent => ({
  "CodePipeline.job": {
    id: JOB,
    accountId: "111122223333",
    data: {
      actionConfiguration: { configuration: { FunctionName: "deployer", ...(userParameters === undefined ? {} : { UserParameters: userParameters }) } },
      inputArtifacts: [{ name: "build", revision: "r1", location: { type: "S3", s3Location: { bucketName: "artifacts", objectKey: "app/build.zip" } } }],
      outputArtifacts: [{ name: "out", location: { type: "S3", s3Location: { bucketName: "artifacts", objectKey: "app/out.zip" } } }],
      artifactCredentials: { accessKeyId: "ASIALAMBDAKEY", secretAccessKey: SECRET, sessionToken: SESSION },
      ...extra,
    },
  },
});

/** A Lambda context whose deadline is `ms` from now on the (fake or real) clock. */
const contextWith = (ms: number) => {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: "req-1", functionName: "deployer" };
};

const service = (extra: Record<string, any> = {}) =>
  fakeService({ PutJobSuccessResult: () => ({}), PutJobFailureResult: () => ({}), ...extra });

afterEach(() => {
  vi.useRealTimers();
});

describe("createLambdaJobHandler", () => {
  it("an artifact the event sends with revision: null has no revision in the job, as its type says; the event is left as it is", async () => {
    const location = (objectKey: string) => ({ type: "S3" as const, s3Location: { bucketName: "artifacts", objectKey } });
    // as Lambda delivers it: artifacts without a revision carry revision: null
    const raw = event(undefined, {
      inputArtifacts: [
        { name: "src", revision: null, location: location("app/src.zip") },
        { name: "build", revision: "r1", location: location("app/build.zip") },
      ],
      outputArtifacts: [{ name: "out", revision: null, location: location("app/out.zip") }],
    });
    const sent = JSON.stringify(raw);
    let seen: LambdaJob | undefined;
    const handler = createLambdaJobHandler((job) => void (seen = job), { client: service().client });
    expect(await handler(raw, contextWith(60_000))).toEqual({ jobId: JOB, outcome: "succeeded" });

    const revisions = (list: object[]) => list.map((a) => ("revision" in a ? (a as { revision: unknown }).revision : "absent"));
    expect(revisions(seen!.inputArtifacts)).toEqual(["absent", "r1"]);
    expect(revisions(seen!.outputArtifacts)).toEqual(["absent"]);
    expect(revisions(seen!.data.inputArtifacts!)).toEqual(["absent", "r1"]);
    expect(revisions(seen!.data.outputArtifacts!)).toEqual(["absent"]);
    // every revision the handler can read has the type's runtime shape
    for (const a of [...seen!.inputArtifacts, ...seen!.outputArtifacts]) expect(["string", "undefined"]).toContain(typeof a.revision);
    expect(seen!.inputArtifacts[0]).toEqual({ name: "src", location: location("app/src.zip") });
    expect(JSON.stringify(raw)).toBe(sent);
  });

  it("hands the handler a typed job and reports success with the result", async () => {
    const svc = service();
    let seen: LambdaJob<{ env: string; replicas: number }> | undefined;
    const handler = createLambdaJobHandler<{ env: string; replicas: number }>(
      async (job) => {
        seen = job;
        return { outputVariables: { ENV: job.userParameters.env }, executionDetails: { summary: `deployed ${job.userParameters.replicas}` } };
      },
      { client: svc.client },
    );
    const outcome = await handler(event('{"env":"prod","replicas":3}'), contextWith(60_000));
    expect(outcome).toEqual({ jobId: JOB, outcome: "succeeded" });
    expect(svc.inputs("PutJobSuccessResult")).toEqual([{ jobId: JOB, outputVariables: { ENV: "prod" }, executionDetails: { summary: "deployed 3" } }]);
    expect(seen).toMatchObject({
      id: JOB,
      accountId: "111122223333",
      userParameters: { env: "prod", replicas: 3 },
      userParametersText: '{"env":"prod","replicas":3}',
      configuration: { FunctionName: "deployer" },
      inputArtifacts: [{ name: "build", location: { s3Location: { bucketName: "artifacts", objectKey: "app/build.zip" } } }],
      outputArtifacts: [{ name: "out" }],
    });
    expect(seen!.artifactCredentials).toMatchObject({ accessKeyId: "ASIALAMBDAKEY", secretAccessKey: SECRET, sessionToken: SESSION });
    expect(JSON.stringify(seen)).not.toContain(SECRET);
  });

  it("parses UserParameters only when it is JSON", () => {
    expect(parseUserParameters(undefined)).toBeUndefined();
    expect(parseUserParameters("plain text")).toBe("plain text");
    expect(parseUserParameters(" [1, 2] ")).toEqual([1, 2]);
    expect(parseUserParameters('"quoted"')).toBe("quoted");
    expect(parseUserParameters("{not json")).toBe("{not json");
    expect(parseUserParameters("42")).toBe("42");
  });

  it("reports a continuation token and gives the handler the token when the job comes back", async () => {
    const svc = service();
    const tokens: (string | undefined)[] = [];
    const handler = createLambdaJobHandler(
      (job) => {
        tokens.push(job.continuationToken);
        return job.continuationToken ? { executionDetails: { percentComplete: 100 } } : { continuationToken: "step-2", executionDetails: { percentComplete: 50 } };
      },
      { client: svc.client },
    );
    expect(await handler(event(), contextWith(60_000))).toEqual({ jobId: JOB, outcome: "continued" });
    expect(await handler(event(undefined, { continuationToken: "step-2" }), contextWith(60_000))).toEqual({ jobId: JOB, outcome: "succeeded" });
    expect(tokens).toEqual([undefined, "step-2"]);
    expect(svc.inputs("PutJobSuccessResult")).toEqual([
      { jobId: JOB, continuationToken: "step-2", executionDetails: { percentComplete: 50 } },
      { jobId: JOB, executionDetails: { percentComplete: 100 } },
    ]);
  });

  it("reports a failure when the handler throws, without secrets in the message", async () => {
    const svc = service();
    const handler = createLambdaJobHandler(
      () => {
        throw new Error(`S3 refused key ${SECRET}`);
      },
      { client: svc.client },
    );
    const outcome = await handler(event(), contextWith(60_000));
    expect(outcome).toEqual({ jobId: JOB, outcome: "failed", failureDetails: { type: "JobFailed", message: "S3 refused key ***" } });
    expect(svc.inputs("PutJobFailureResult")).toEqual([{ jobId: JOB, failureDetails: { type: "JobFailed", message: "S3 refused key ***" } }]);
  });

  it("reports a failure shortly before the Lambda times out, and aborts the handler's signal", async () => {
    useClock();
    const svc = service();
    let signal: AbortSignal | undefined;
    const handler = createLambdaJobHandler(
      (_job, ctx) => {
        signal = ctx.signal;
        expect(ctx.remainingTimeMs()).toBe(7_000);
        return new Promise(() => {}); // would run past the deadline
      },
      { client: svc.client },
    );
    const started = Date.now();
    const outcome = await settle(handler(event(), contextWith(10_000)), { stepMs: 250 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(7_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(signal?.aborted).toBe(true);
    expect(outcome).toMatchObject({ outcome: "failed", failureDetails: { type: "JobFailed" } });
    expect(svc.inputs("PutJobFailureResult")[0].failureDetails.message).toBe(
      "The Lambda function was about to time out (10 s were left when the job started); the job was failed before that happened.",
    );
    expect(svc.count("PutJobSuccessResult")).toBe(0);
  });

  it("keeps at most half of a short remaining time as the safety margin", async () => {
    useClock();
    const svc = service();
    const handler = createLambdaJobHandler(() => new Promise(() => {}), { client: svc.client });
    const started = Date.now();
    await settle(handler(event(), contextWith(2_000)), { stepMs: 100 });
    expect(Date.now() - started).toBe(1_000);
    expect(svc.count("PutJobFailureResult")).toBe(1);
  });

  it("refuses an invalid result by reporting a failure", async () => {
    const svc = service();
    const handler = createLambdaJobHandler(() => ({ continuationToken: "t", outputVariables: { A: "1" } }), { client: svc.client });
    const outcome = await handler(event(), contextWith(60_000));
    expect(outcome.outcome).toBe("failed");
    expect(outcome.failureDetails?.message).toMatch(/^The job handler returned an invalid result: outputVariables can only be reported/);
  });

  it("retries a report through a short outage, and counts a retry that finds the job finished after a cut attempt as delivered", async () => {
    const t0 = Date.now();
    const outage = service({
      PutJobSuccessResult: () => {
        if (Date.now() - t0 < 1500) throw new FakeError("InternalError", "try later", 500);
        return {};
      },
    });
    await expect(createLambdaJobHandler(() => {}, { client: outage.client })(event(), contextWith(60_000))).resolves.toEqual({ jobId: JOB, outcome: "succeeded" });
    expect(outage.count("PutJobSuccessResult")).toBeGreaterThan(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);

    // The first report lands but its answer is lost; the retry finds the job finished.
    const landed = service({
      PutJobSuccessResult: (_: unknown, { n }: { n: number }) => {
        if (n === 1) throw new FakeError("ServiceUnavailableException", "answer lost", 503);
        throw new FakeError("InvalidJobStateException", "job already completed");
      },
    });
    await expect(createLambdaJobHandler(() => {}, { client: landed.client })(event(), contextWith(60_000))).resolves.toEqual({ jobId: JOB, outcome: "succeeded" });
  });

  it("throws a JobResultUndeliveredError when the report deadline passes, and says so when the job no longer takes a result", async () => {
    useClock();
    const broken = service({
      PutJobSuccessResult: () => {
        throw new FakeError("InternalError", "try later", 500);
      },
    });
    const error = await settle(createLambdaJobHandler(() => ({ executionDetails: { summary: "ok" } }), { client: broken.client })(event(), contextWith(60_000)), {
      stepMs: 50,
    }).catch((e) => e);
    expect(error).toMatchObject({
      name: "JobResultUndeliveredError",
      jobId: JOB,
      reason: "deadline",
      result: { type: "success", result: { executionDetails: { summary: "ok" } } },
      cause: { name: "InternalError" },
    });
    expect(error.attempts).toBe(broken.count("PutJobSuccessResult"));
    expect(error.attempts).toBeGreaterThan(5);
    // every attempt within the invocation's time (60 s, less 100 ms)
    expect(Date.now() - new Date("2026-01-01T00:00:00Z").getTime()).toBeLessThanOrEqual(60_000);
    vi.useRealTimers();

    const gone = service({
      PutJobSuccessResult: () => {
        throw new FakeError("InvalidJobStateException", "job already completed");
      },
    });
    const outcome = await createLambdaJobHandler(() => {}, { client: gone.client })(event(), contextWith(60_000));
    expect(outcome).toMatchObject({ jobId: JOB, outcome: "succeeded", undelivered: { name: "JobResultUndeliveredError", reason: "gone", attempts: 1 } });
    expect(gone.count("PutJobSuccessResult")).toBe(1);
  });

  it("rejects an event that is not a CodePipeline job", async () => {
    const svc = service();
    const handler = createLambdaJobHandler(() => {}, { client: svc.client });
    await expect(handler({} as any, contextWith(1000))).rejects.toThrow(/CodePipeline\.job/);
    expect(svc.calls).toHaveLength(0);
  });
});
