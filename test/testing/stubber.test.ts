import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HttpRequest, HttpResponse } from "@smithy/types";
import * as api from "../../src/index.js";
import {
  CodePipeline,
  CodePipelineClient,
  CodePipelineServiceException,
  ConfigurationError,
  DeletePipelineCommand,
  GetPipelineCommand,
  ListPipelinesCommand,
  PipelineNotFoundException,
  PutWebhookCommand,
  StartPipelineExecutionCommand,
  ValidationException,
} from "../../src/index.js";
import { ANY, createStubber, StubberError, type Stubber } from "../../src/testing/index.js";
import { InputValidationError, validation } from "../../src/validation/index.js";
import { operations } from "../../src/generated/shapes.js";
import { samples } from "../generated/samples.js";

/** A client with no credentials at all: the stubber must not need them. Its transport records any real request. */
function newClient(withCredentials = false) {
  const sent: HttpRequest[] = [];
  const client = new CodePipelineClient({
    region: "us-east-1",
    credentials: withCredentials
      ? { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-real-secret" }
      : async () => {
          throw new Error("credentials must not be needed");
        },
    requestHandler: {
      async handle(request: HttpRequest) {
        sent.push(request);
        return { response: { statusCode: 200, headers: {}, body: new TextEncoder().encode("{}") } as HttpResponse };
      },
    },
  });
  return { client, sent };
}

let client: CodePipelineClient;
let sent: HttpRequest[];
let stubber: Stubber;

beforeEach(() => {
  ({ client, sent } = newClient());
  stubber = createStubber(client);
});
afterEach(() => {
  stubber.restore();
});

const failure = async (p: Promise<unknown>): Promise<any> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to fail");
};

describe("createStubber: responses", () => {
  it("answers through the real deserializer: Dates, $metadata, no network", async () => {
    stubber.expect(ListPipelinesCommand, { maxResults: 10 }).resolves({
      pipelines: [{ name: "app", version: 3, created: new Date(1700000000123), pipelineType: "V2" }],
      nextToken: "t2",
    });
    const out = await client.send(new ListPipelinesCommand({ maxResults: 10 }));
    expect(out).toEqual({
      pipelines: [{ name: "app", version: 3, created: new Date(1700000000123), pipelineType: "V2" }],
      nextToken: "t2",
      $metadata: { httpStatusCode: 200, requestId: "stubbed-request-1", extendedRequestId: undefined, cfId: undefined, attempts: 1, totalRetryDelay: 0 },
    });
    expect(out.pipelines![0]!.created).toBeInstanceOf(Date);
    expect(stubber.calls).toEqual([{ command: "ListPipelinesCommand", input: { maxResults: 10 }, body: { maxResults: 10 } }]);
    expect(sent).toHaveLength(0);
    expect(stubber.pending).toBe(0);
    stubber.assertDone();
  });

  it("runs the client's serializer and middleware once: the body is what would be sent", async () => {
    const seen: { target: string; body: string }[] = [];
    client.middlewareStack.add(
      (next: any) => async (args: any) => {
        seen.push({ target: args.request.headers["x-amz-target"], body: args.request.body });
        return next(args);
      },
      { step: "build", name: "spy" },
    );
    stubber.expect(StartPipelineExecutionCommand, { name: "app" }).resolves({ pipelineExecutionId: "42" });
    const out = await client.send(new StartPipelineExecutionCommand({ name: "app" }));
    expect(out.pipelineExecutionId).toBe("42");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.target).toBe("CodePipeline_20150709.StartPipelineExecution");
    // the idempotency token was filled by the serializer, and is not part of the input comparison
    const body = stubber.calls[0]!.body as { name: string; clientRequestToken: string };
    expect(body.name).toBe("app");
    expect(body.clientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(seen[0]!.body)).toEqual(body);
  });

  it("runs middleware added before the stubber only once", async () => {
    const other = newClient();
    let runs = 0;
    other.client.middlewareStack.add(
      (next: any) => async (args: any) => {
        runs++;
        return next(args);
      },
      { step: "initialize", priority: "high", name: "early" },
    );
    const s = createStubber(other.client);
    s.expect(ListPipelinesCommand).resolves({});
    await other.client.send(new ListPipelinesCommand({}));
    expect(runs).toBe(1);
    s.assertDone();
  });

  it("runs command-level middleware too", async () => {
    const command = new GetPipelineCommand({ name: "app" });
    const order: string[] = [];
    command.middlewareStack.add((next: any) => async (args: any) => {
      order.push("command");
      return next(args);
    }, { step: "serialize", priority: "low", name: "commandSpy" });
    stubber.expect(GetPipelineCommand).resolves({ pipeline: { name: "app" } });
    await expect(client.send(command)).resolves.toMatchObject({ pipeline: { name: "app" } });
    expect(order).toEqual(["command"]);
  });

  it("works with the aggregated client and callbacks, in the queued order", async () => {
    const cp = new CodePipeline({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    const s = createStubber(cp);
    s.expect(GetPipelineCommand, { name: "a" }).resolves({ pipeline: { name: "a", version: 1 } })
      .expect(GetPipelineCommand, { name: "b" }).resolves({ pipeline: { name: "b", version: 2 } });
    expect((await cp.getPipeline({ name: "a" })).pipeline?.version).toBe(1);
    const second = await new Promise<any>((resolve, reject) => cp.getPipeline({ name: "b" }, (err, data) => (err ? reject(err) : resolve(data))));
    expect(second.pipeline.version).toBe(2);
    s.assertDone();
    s.restore();
  });

  it("rejects with a modeled error name: the typed exception of the main entry", async () => {
    stubber.expect(GetPipelineCommand, { name: "gone" }).rejects("PipelineNotFoundException", { message: "no pipeline named gone" });
    const err = await failure(client.send(new GetPipelineCommand({ name: "gone" })));
    expect(err).toBeInstanceOf(PipelineNotFoundException);
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect(err.name).toBe("PipelineNotFoundException");
    expect(err.message).toBe("no pipeline named gone");
    expect(err.$fault).toBe("client");
    expect(err.$metadata).toMatchObject({ httpStatusCode: 400, requestId: "stubbed-request-1", attempts: 1 });
    stubber.assertDone();
  });

  it("rejects with an instance of a modeled class, or with any Error as it is", async () => {
    stubber.expect(GetPipelineCommand).rejects(new ValidationException({ message: "bad name" }));
    const typed = await failure(client.send(new GetPipelineCommand({ name: "x" })));
    expect(typed).toBeInstanceOf(ValidationException);
    expect(typed.message).toBe("bad name");
    expect(typed.$metadata.httpStatusCode).toBe(400);

    const network = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    stubber.expect(GetPipelineCommand).rejects(network);
    expect(await failure(client.send(new GetPipelineCommand({ name: "x" })))).toBe(network);
    stubber.assertDone();
  });

  it("answers an error outside the model once, without retrying it", async () => {
    stubber.expect(ListPipelinesCommand).rejects("ThrottlingException", { message: "Rate exceeded" });
    const err = await failure(client.send(new ListPipelinesCommand({})));
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect(err.name).toBe("ThrottlingException");
    expect(err.message).toBe("Rate exceeded");
    expect(stubber.calls).toHaveLength(1);
    stubber.assertDone();
  });

  it("accepts ANY and vitest asymmetric matchers in expected inputs", async () => {
    stubber
      .expect(GetPipelineCommand, { name: expect.stringMatching(/^app-/), version: ANY })
      .resolves({})
      .expect(ListPipelinesCommand, expect.objectContaining({ maxResults: 5 }))
      .resolves({});
    await client.send(new GetPipelineCommand({ name: "app-1" }));
    await client.send(new ListPipelinesCommand({ maxResults: 5, nextToken: "n" }));
    stubber.assertDone();
  });

  it("drives paginators page by page", async () => {
    stubber
      .expect(ListPipelinesCommand, { maxResults: 2 })
      .resolves({ pipelines: [{ name: "a" }, { name: "b" }], nextToken: "page-2" })
      .expect(ListPipelinesCommand, { maxResults: 2, nextToken: "page-2" })
      .resolves({ pipelines: [{ name: "c" }] });
    const names: string[] = [];
    for await (const page of api.paginateListPipelines({ client, pageSize: 2 }, {})) names.push(...page.pipelines!.map((p) => p.name!));
    expect(names).toEqual(["a", "b", "c"]);
    stubber.assertDone();
  });

  it("stubs the sample output of every operation and returns it unchanged", async () => {
    const commands = api as unknown as Record<string, new (input: any) => any>;
    const names = Object.keys(operations);
    for (const op of names) {
      const sample = (samples as any)[op];
      stubber.expect(commands[`${op}Command`]!, sample.input).resolves(sample.output);
    }
    for (const op of names) {
      const sample = (samples as any)[op];
      const { $metadata, ...out } = await client.send(new (commands[`${op}Command`]!)(sample.input));
      expect(out, op).toEqual(sample.output ?? {});
      expect($metadata.httpStatusCode).toBe(200);
    }
    expect(stubber.calls.map((c) => c.command)).toEqual(names.map((n) => `${n}Command`));
    stubber.assertDone();
  });
});

describe("createStubber: types", () => {
  it("types expected inputs and stubbed outputs from the command class", () => {
    // compiled, never run: `npm run typecheck` proves each error below is caught
    const typeOnly = (s: Stubber) => {
      s.expect(ListPipelinesCommand).resolves({ pipelines: [{ name: "a", created: new Date() }] });
      s.expect(GetPipelineCommand, { name: "a" }).resolves({ pipeline: { name: "a" } }); // partial outputs are fine
      s.expect(GetPipelineCommand, { name: ANY }).rejects("PipelineNotFoundException", { message: "gone" });
      // @ts-expect-error: not a member of the input
      s.expect(GetPipelineCommand, { pipelineName: "a" });
      // @ts-expect-error: wrong type in the input
      s.expect(ListPipelinesCommand, { maxResults: "10" });
      // @ts-expect-error: not a member of the output
      s.expect(GetPipelineCommand).resolves({ pipeline: { name: "a", stagez: [] } });
      // @ts-expect-error: timestamps are Dates
      s.expect(ListPipelinesCommand).resolves({ pipelines: [{ created: "2024-01-01" }] });
    };
    expect(typeof typeOnly).toBe("function");
  });
});

describe("createStubber: failures", () => {
  it("fails an input mismatch with a readable diff, and assertDone reports it even if the code caught it", async () => {
    stubber.expect(GetPipelineCommand, { name: "app", version: 2 }).resolves({});
    const err = await failure(client.send(new GetPipelineCommand({ name: "api", version: 3 })));
    expect(err).toBeInstanceOf(StubberError);
    expect(err.message).toBe(
      'Input of GetPipelineCommand (call 1) does not match the expected input:\n  - name: expected "app", got "api"\n  - version: expected 2, got 3',
    );
    expect(() => stubber.assertDone()).toThrow(/The stubber failed a call:\n  - Input of GetPipelineCommand \(call 1\)/);
  });

  it("shows missing, extra and nested differences with their paths", async () => {
    stubber.expect(StartPipelineExecutionCommand, { name: "app", variables: [{ name: "a", value: "1" }, { name: "b", value: "2" }] }).resolves({});
    const err = await failure(
      client.send(new StartPipelineExecutionCommand({ name: "app", variables: [{ name: "a", value: "9" }], clientRequestToken: "tok" })),
    );
    expect(err.message).toBe(
      [
        "Input of StartPipelineExecutionCommand (call 1) does not match the expected input:",
        '  - variables[0].value: expected "1", got "9"',
        '  - variables[1]: missing item, expected { name: "b", value: "2" }',
        '  - clientRequestToken: not expected, got "tok"',
      ].join("\n"),
    );
  });

  it("fails an unexpected call, saying which command, which input and what was expected", async () => {
    stubber.expect(GetPipelineCommand, { name: "app" }).resolves({});
    const err = await failure(client.send(new ListPipelinesCommand({ maxResults: 3 })));
    expect(err).toBeInstanceOf(StubberError);
    expect(err.message).toBe(
      'Unexpected call: ListPipelinesCommand (call 1) with input { maxResults: 3 }. Expected GetPipelineCommand with input { name: "app" } instead (1 call still expected).',
    );
    // the expected call is still queued
    await client.send(new GetPipelineCommand({ name: "app" }));
    expect(() => stubber.assertDone()).toThrow(/Unexpected call: ListPipelinesCommand/);
  });

  it("fails a call when nothing more was expected", async () => {
    const err = await failure(client.send(new DeletePipelineCommand({ name: "app" })));
    expect(err.message).toBe('Unexpected call: DeletePipelineCommand (call 1) with input { name: "app" }. No more calls were expected.');
    expect(sent).toHaveLength(0);
  });

  it("assertDone fails when an expected call was not made", async () => {
    stubber.expect(ListPipelinesCommand).resolves({ pipelines: [] });
    stubber.expect(GetPipelineCommand, { name: "app" }).resolves({});
    await client.send(new ListPipelinesCommand({}));
    expect(() => stubber.assertDone()).toThrow(
      new StubberError('1 expected call was not made:\n  - GetPipelineCommand with input { name: "app" }'),
    );
    stubber.reset();
    stubber.assertDone();
  });

  it("catches output drift when the stub is declared", () => {
    expect(() => stubber.expect(GetPipelineCommand).resolves({ pipeline: { name: "app", stagez: [] } } as any)).toThrow(
      'The stubbed output of GetPipelineCommand does not match the model:\n  - pipeline.stagez: unknown member of PipelineDeclaration (did you mean "stages"?)',
    );
    expect(() =>
      stubber.expect(ListPipelinesCommand).resolves({ pipelines: [{ name: "app", version: "3", created: "2024-01-01", pipelineType: "V3" }] } as any),
    ).toThrow(
      [
        "The stubbed output of ListPipelinesCommand does not match the model:",
        "  - pipelines[0].version: expected an integer, got string",
        '  - pipelines[0].pipelineType: "V3" is not one of: V1, V2',
        "  - pipelines[0].created: expected a Date, got string",
      ].join("\n"),
    );
    expect(() => stubber.expect(DeletePipelineCommand).resolves({ deleted: true } as any)).toThrow(
      "DeletePipeline returns no output, so .resolves() takes nothing",
    );
    // a stub that broke the model was not queued
    expect(stubber.pending).toBe(0);
    stubber.assertDone();
  });

  it("checks everything the model says with strict: true", async () => {
    const other = newClient();
    const strict = createStubber(other.client, { strict: true });
    expect(() => strict.expect(GetPipelineCommand).resolves({ pipeline: { name: "my app" } })).toThrow(
      [
        "The stubbed output of GetPipelineCommand does not match the model:",
        '  - pipeline.name: "my app" does not match the pattern ^[A-Za-z0-9.@\\-_]+$',
        "  - pipeline.roleArn: required member is missing",
        "  - pipeline.stages: required member is missing",
      ].join("\n"),
    );
    expect(() => strict.expect(GetPipelineCommand, { name: "my app" })).toThrow(
      'The expected input of GetPipelineCommand does not match the model:\n  - name: "my app" does not match the pattern ^[A-Za-z0-9.@\\-_]+$',
    );
    strict.expect(ListPipelinesCommand).resolves({});
    const err = await failure(other.client.send(new ListPipelinesCommand({ maxResults: 0 })));
    expect(err.message).toBe("ListPipelinesCommand (call 1) was called with an input that does not match the model:\n  - maxResults: value 0 < 1");
    // by default, test data need not match the service's patterns and ranges
    stubber.expect(GetPipelineCommand, { name: "my app" }).resolves({ pipeline: { name: "my app" } });
    await client.send(new GetPipelineCommand({ name: "my app" }));
    stubber.assertDone();
  });

  it("catches expected inputs and errors that do not fit the operation", () => {
    expect(() => stubber.expect(GetPipelineCommand, { pipelineName: "app" } as any)).toThrow(
      "The expected input of GetPipelineCommand does not match the model:\n  - pipelineName: unknown member of GetPipelineInput",
    );
    expect(() => stubber.expect(GetPipelineCommand).rejects("PipelineNameInUseException")).toThrow(
      "GetPipeline cannot fail with PipelineNameInUseException: the model gives it PipelineNotFoundException, PipelineVersionNotFoundException, ValidationException.",
    );
    expect(() => stubber.expect(GetPipelineCommand).rejects("PipelineNotFoundExeption")).toThrow(
      "PipelineNotFoundExeption is not an error of the CodePipeline model; did you mean PipelineNotFoundException?",
    );
    expect(() => stubber.expect("NoSuchThing" as any)).toThrow(StubberError);
  });

  it("fails a call whose input breaks the model", async () => {
    stubber.expect(GetPipelineCommand).resolves({});
    const err = await failure(client.send(new GetPipelineCommand({ version: "2" } as any)));
    expect(err.message).toBe(
      "GetPipelineCommand (call 1) was called with an input that does not match the model:\n  - name: required member is missing\n  - version: expected an integer, got string",
    );
    expect(() => stubber.assertDone()).toThrow(/name: required member is missing/);
  });

  it("lets the validation plugin's error through when the client uses it", async () => {
    client.middlewareStack.use(validation());
    stubber.expect(ListPipelinesCommand).resolves({});
    const err = await failure(client.send(new ListPipelinesCommand({ maxResults: 0 })));
    expect(err).toBeInstanceOf(InputValidationError);
    expect(err.problems).toEqual(["maxResults: value 0 < 1"]);
  });

  it("never shows a webhook secret in a message", async () => {
    const webhook = (secret: string) => ({
      webhook: {
        name: "hook",
        targetPipeline: "app",
        targetAction: "Source",
        filters: [{ jsonPath: "$.ref" }],
        authentication: "GITHUB_HMAC" as const,
        authenticationConfiguration: { SecretToken: secret },
      },
    });
    stubber.expect(PutWebhookCommand, webhook("expected-secret-value")).resolves({});
    const err = await failure(client.send(new PutWebhookCommand(webhook("actual-secret-value"))));
    expect(err.message).toContain("webhook.authenticationConfiguration.SecretToken: expected (sensitive value), got (sensitive value)");
    expect(err.message).not.toMatch(/secret-value/);
    const unexpected = await failure(client.send(new PutWebhookCommand(webhook("actual-secret-value"))));
    expect(unexpected.message).toContain("SecretToken: (sensitive value)");
    expect(unexpected.message).not.toMatch(/secret-value/);
  });

  it("says what to do when the client has no region", async () => {
    const regionless = new CodePipelineClient({
      region: () => Promise.reject(new ConfigurationError("Region is missing")),
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    const s = createStubber(regionless);
    s.expect(ListPipelinesCommand).resolves({});
    const err = await failure(regionless.send(new ListPipelinesCommand({})));
    expect(err).toBeInstanceOf(StubberError);
    expect(err.message).toMatch(/^ListPipelinesCommand \(call 1\) could not be serialized: the client needs a region, even when stubbed/);
  });

  it("stops stubbing after restore(), and refuses a second stubber on one client", async () => {
    expect(() => createStubber(client)).toThrow("This client is already stubbed");
    const real = newClient(true);
    const s = createStubber(real.client);
    s.expect(ListPipelinesCommand).resolves({ pipelines: [{ name: "stubbed" }] });
    expect((await real.client.send(new ListPipelinesCommand({}))).pipelines).toEqual([{ name: "stubbed" }]);
    expect(real.sent).toHaveLength(0);
    s.restore();
    expect((await real.client.send(new ListPipelinesCommand({}))).pipelines).toBeUndefined();
    expect(real.sent).toHaveLength(1);
    expect(s.calls).toHaveLength(1);
    createStubber(real.client).restore();
  });
});
