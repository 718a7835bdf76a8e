/**
 * Service errors: every modeled error of every operation maps to its class, whatever
 * form the error code takes on the wire; unknown codes and unreadable bodies still
 * become CodePipelineServiceException.
 */
import { describe, expect, it } from "vitest";
import * as commands from "../../commands/index.js";
import * as errors from "../../models/errors.js";
import { CodePipelineServiceException } from "../../src/exception.js";
import { errorsByOperation, samples } from "../generated/samples.js";
import { clientWith, fakeHandler, type CannedResponse } from "./helpers.js";

type ErrorCtor = new (opts?: object) => CodePipelineServiceException;
const errorClass = (name: string) => (errors as unknown as Record<string, ErrorCtor>)[name]!;
const commandOf = (op: string) => (commands as unknown as Record<string, new (input?: object) => any>)[op + "Command"]!;
const inputOf = (op: string) => structuredClone((samples as unknown as Record<string, { input: object }>)[op]!.input);

const IDS = { "x-amzn-requestid": "rid-1", "x-amz-id-2": "ext-2", "x-amz-cf-id": "cf-3" };

/** Sends `op` once (no retries) against a canned response and returns what it throws. */
async function failWith(op: string, response: CannedResponse): Promise<any> {
  const client = clientWith(fakeHandler(response), { maxAttempts: 1 });
  try {
    await client.send(new (commandOf(op))(inputOf(op)));
  } catch (e) {
    return e;
  }
  throw new Error(`${op} did not fail`);
}

/** The ways the service may spell an error code. */
const codeForms = (code: string): [string, CannedResponse][] => [
  ["__type plain", { statusCode: 400, headers: IDS, body: { __type: code, message: "boom" } }],
  ["__type namespaced", { statusCode: 400, headers: IDS, body: { __type: `com.amazonaws.codepipeline#${code}`, message: "boom" } }],
  [
    "__type with a :http suffix",
    { statusCode: 400, headers: IDS, body: { __type: `com.amazonaws.codepipeline#${code}:http://internal.amazon.com/coral/com.amazonaws.codepipeline/`, message: "boom" } },
  ],
  ["code member", { statusCode: 400, headers: IDS, body: { code, message: "boom" } }],
  ["Code member, Message", { statusCode: 400, headers: IDS, body: { Code: code, Message: "boom" } }],
  ["x-amzn-errortype header", { statusCode: 400, headers: { ...IDS, "x-amzn-errortype": `${code}:http://internal.amazon.com/coral/` }, body: { message: "boom" } }],
];

const pairs = Object.entries(errorsByOperation).flatMap(([op, names]) => names.map((name) => [op, name] as const));

describe("every modeled error of every operation", () => {
  it("covers 44 operations and all 41 error classes", () => {
    expect(Object.keys(errorsByOperation)).toHaveLength(44);
    const used = new Set(pairs.map(([, n]) => n));
    expect(used.size).toBe(41);
    for (const n of used) expect(errorClass(n)).toBeTypeOf("function");
  });

  it.each(pairs)("%s → %s", async (op, name) => {
    const Ctor = errorClass(name);
    for (const [form, response] of codeForms(name)) {
      const err = await failWith(op, response);
      const where = `${op} ${name} (${form})`;
      expect(err, where).toBeInstanceOf(Ctor);
      expect(err, where).toBeInstanceOf(CodePipelineServiceException);
      expect(err, where).toBeInstanceOf(Error);
      expect(err.constructor, where).toBe(Ctor);
      expect(err.name, where).toBe(name);
      expect(err.$fault, where).toBe("client");
      expect(err.message, where).toBe("boom");
      expect(err.Message, where).toBeUndefined();
      expect(err.$metadata, where).toEqual({
        httpStatusCode: 400,
        requestId: "rid-1",
        extendedRequestId: "ext-2",
        cfId: "cf-3",
        attempts: 1,
        totalRetryDelay: 0,
      });
      const desc = Object.getOwnPropertyDescriptor(err, "$response");
      expect(desc?.enumerable, where).toBe(false);
      expect(err.$response.statusCode, where).toBe(400);
      expect(Object.keys(err), where).not.toContain("$response");
      expect(JSON.stringify(err), where).not.toContain("$response");
    }
  });
});

describe("code precedence and clean-up", () => {
  it("__type wins over code and over the header", async () => {
    const err = await failWith("GetPipeline", {
      statusCode: 400,
      headers: { "x-amzn-errortype": "ValidationException" },
      body: { __type: "PipelineNotFoundException", code: "PipelineVersionNotFoundException" },
    });
    expect(err).toBeInstanceOf(errors.PipelineNotFoundException);
  });

  it("code wins over the header", async () => {
    const err = await failWith("GetPipeline", {
      statusCode: 400,
      headers: { "x-amzn-errortype": "ValidationException" },
      body: { code: "PipelineNotFoundException" },
    });
    expect(err).toBeInstanceOf(errors.PipelineNotFoundException);
  });

  it("cuts a code at the first comma", async () => {
    const err = await failWith("GetPipeline", { statusCode: 400, body: { __type: "PipelineNotFoundException,Other" } });
    expect(err).toBeInstanceOf(errors.PipelineNotFoundException);
  });

  it("finds x-amzn-errortype in any letter case", async () => {
    const err = await failWith("GetPipeline", { statusCode: 400, headers: { "X-Amzn-ErrorType": "PipelineNotFoundException" }, body: "" });
    expect(err).toBeInstanceOf(errors.PipelineNotFoundException);
    expect(err.message).toBe("UnknownError");
  });

  it("keeps the modeled message, falls back to UnknownError, and copies extra body fields", async () => {
    const err = await failWith("GetPipeline", { statusCode: 400, body: { __type: "PipelineNotFoundException", extra: 7 } });
    expect(err.message).toBe("UnknownError");
    expect(err.extra).toBe(7);
    expect(err.__type).toBe("PipelineNotFoundException");
  });

  it("maps WebhookNotFoundException (no modeled members)", async () => {
    const err = await failWith("DeregisterWebhookWithThirdParty", { statusCode: 400, body: { __type: "WebhookNotFoundException" } });
    expect(err).toBeInstanceOf(errors.WebhookNotFoundException);
    expect(err.message).toBe("UnknownError");
  });
});

describe("unknown codes", () => {
  it.each([
    ["ThrottlingException", 400, "client"],
    ["AccessDeniedException", 403, "client"],
    ["InternalFailure", 500, "server"],
    ["com.amazon.coral.service#UnrecognizedClientException", 403, "client"],
    ["com.amazon.coral.availability#ServiceUnavailableException:http://x/", 503, "server"],
  ] as const)("%s (HTTP %i) is a CodePipelineServiceException, fault %s", async (code, status, fault) => {
    const err = await failWith("ListPipelines", { statusCode: status, headers: IDS, body: { __type: code, message: "no" } });
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect(err.constructor).toBe(CodePipelineServiceException);
    expect(err.name).toBe(code.replace(/^.*#/, "").replace(/:.*$/, ""));
    expect(err.$fault).toBe(fault);
    expect(err.message).toBe("no");
    expect(err.$metadata).toMatchObject({ httpStatusCode: status, requestId: "rid-1", attempts: 1 });
    for (const E of Object.values(errors)) expect(err instanceof E).toBe(false);
  });

  it("a JSON body without any code is Unknown", async () => {
    const err = await failWith("ListPipelines", { statusCode: 400, body: { message: "what" } });
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect(err.name).toBe("Unknown");
    expect(err.message).toBe("what");
    expect(err.$fault).toBe("client");
  });

  it("a modeled code the operation does not declare keeps its name", async () => {
    // ListPipelines declares only InvalidNextTokenException and ValidationException
    const err = await failWith("ListPipelines", { statusCode: 400, body: { __type: "PipelineNotFoundException" } });
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect(err.name).toBe("PipelineNotFoundException");
  });
});

describe("bodies that are not JSON", () => {
  const html = "<html><head><title>503 Service Temporarily Unavailable</title></head>\n<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>";

  it("an HTML 503 page is a server-fault CodePipelineServiceException with status, request id and a snippet", async () => {
    const err = await failWith("GetPipeline", { statusCode: 503, headers: { ...IDS, "content-type": "text/html" }, body: html });
    expect(err).not.toBeInstanceOf(SyntaxError);
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect(err.$fault).toBe("server");
    expect(err.$metadata).toMatchObject({ httpStatusCode: 503, requestId: "rid-1", attempts: 1, totalRetryDelay: 0 });
    expect(err.message).toContain("503");
    expect(err.message).toContain("rid-1");
    expect(err.message).toContain("503 Service Temporarily Unavailable");
    expect(err.message.length).toBeLessThan(400);
    expect(err.$response.statusCode).toBe(503);
  });

  it("a long HTML body is cut to a short snippet", async () => {
    const err = await failWith("GetPipeline", { statusCode: 502, body: "<html>" + "x".repeat(10_000) + "</html>" });
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect(err.message.length).toBeLessThan(400);
    expect(err.$fault).toBe("server");
  });

  it("an empty 500 is a server-fault CodePipelineServiceException named Unknown", async () => {
    const err = await failWith("GetPipeline", { statusCode: 500, headers: IDS, body: "" });
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect(err.name).toBe("Unknown");
    expect(err.$fault).toBe("server");
    expect(err.message).toBe("UnknownError");
    expect(err.$metadata).toMatchObject({ httpStatusCode: 500, requestId: "rid-1" });
  });

  it("a 4xx with a text body is a client fault", async () => {
    const err = await failWith("GetPipeline", { statusCode: 429, headers: { "content-type": "text/plain" }, body: "Rate exceeded" });
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect(err.$fault).toBe("client");
    expect(err.message).toContain("Rate exceeded");
    expect(err.message).toContain("429");
  });

  it("a JSON array or string body does not spread into numbered keys", async () => {
    const err = await failWith("GetPipeline", { statusCode: 400, body: '["a","b"]' });
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect(err["0"]).toBeUndefined();
  });

  it("an error whose header names it still maps, even with an HTML body", async () => {
    const err = await failWith("GetPipeline", {
      statusCode: 400,
      headers: { "x-amzn-errortype": "PipelineNotFoundException", "content-type": "text/html" },
      body: "<html>nope</html>",
    });
    expect(err).toBeInstanceOf(errors.PipelineNotFoundException);
    expect(err.message).toContain("nope");
  });
});

describe("CodePipelineServiceException", () => {
  it("builds from options: name, fault, metadata, extras, hidden $response", () => {
    const $response = { statusCode: 418, headers: {}, body: undefined } as any;
    const e = new CodePipelineServiceException({ name: "Teapot", $fault: "server", message: "m", $metadata: { httpStatusCode: 418 }, $response, extra: 1 });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("Teapot");
    expect(e.$fault).toBe("server");
    expect(e.message).toBe("m");
    expect(e.$metadata).toEqual({ httpStatusCode: 418 });
    expect((e as any).extra).toBe(1);
    expect(e.$response).toBe($response);
    expect(Object.keys(e)).not.toContain("$response");
    expect(e.stack).toContain("Teapot");
  });

  it("defaults: client fault, empty metadata", () => {
    const e = new CodePipelineServiceException({});
    expect(e.name).toBe("CodePipelineServiceException");
    expect(e.$fault).toBe("client");
    expect(e.$metadata).toEqual({});
  });

  it("generated classes fix their name and fault whatever the options say", () => {
    const e = new errors.ValidationException({ name: "Other", $fault: "server" as any, message: "bad" });
    expect(e.name).toBe("ValidationException");
    expect(e.$fault).toBe("client");
    expect(e.message).toBe("bad");
    expect(e).toBeInstanceOf(CodePipelineServiceException);
  });
});
