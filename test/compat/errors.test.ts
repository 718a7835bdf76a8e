/**
 * Error responses: the same error as the official client (name, message, $fault, $metadata,
 * body fields copied onto the error), or, where v3 fails its users, our documented behaviour.
 */
import { describe, expect, it } from "vitest";
import { caught, clientPair, errorView, ours, v3, type FakeResponse } from "./harness.js";

interface Case {
  title: string;
  response: FakeResponse;
  /** Operation to call; GetPipeline by default. */
  op?: string;
  input?: object;
}

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): FakeResponse => ({
  statusCode,
  headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-123", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** Cases where we give exactly what v3 gives. */
const SAME: Case[] = [
  { title: "modeled error, __type and message", response: json(400, { __type: "PipelineNotFoundException", message: "nope" }) },
  { title: "modeled error, Message (capital M) becomes message", response: json(400, { __type: "PipelineNotFoundException", Message: "nope" }) },
  { title: "both message and Message: message wins, Message is removed", response: json(400, { __type: "PipelineNotFoundException", message: "lower", Message: "upper" }) },
  {
    title: "namespaced and colon-suffixed code, with extra body fields",
    response: json(400, { __type: "com.amazonaws.codepipeline#PipelineNotFoundException:http://internal.example/", message: "m", extra: 5, detail: { a: [1] } }),
  },
  { title: "code from the x-amzn-errortype header", response: json(400, { message: "from header" }, { "x-amzn-errortype": "ValidationException:http://internal.example/" }) },
  { title: "__type wins over the header", response: json(400, { __type: "PipelineNotFoundException" }, { "x-amzn-errortype": "ValidationException" }) },
  { title: "code from a `code` body key, any case", response: json(400, { Code: "PipelineNotFoundException", message: "m" }) },
  { title: "comma-separated code", response: json(400, { __type: "PipelineNotFoundException,Extra" }) },
  { title: "errorMessage is not a message", response: json(400, { __type: "ValidationException", errorMessage: "ignored" }) },
  { title: "null and empty body fields", response: json(400, { __type: "ValidationException", message: "m", nothing: null, empty: "" }) },
  { title: "unknown code from another namespace (client fault under 500)", response: json(400, { __type: "com.amazon.coral.service#UnrecognizedClientException", message: "bad token" }) },
  { title: "unknown code, 500: server fault", response: json(500, { __type: "InternalFailure" }) },
  { title: "unknown throttling code", response: json(400, { __type: "ThrottlingException", message: "Rate exceeded" }) },
  { title: "modeled error on a 503 keeps its modeled client fault", response: json(503, { __type: "ValidationException", message: "x" }) },
  { title: "empty body, 400", response: { statusCode: 400, headers: { "x-amzn-requestid": "r" } } },
  { title: "empty body, 500", response: { statusCode: 500, headers: { "x-amzn-requestid": "r" } } },
  { title: "empty JSON object body, 403", response: json(403, {}) },
  { title: "redirect status is an error", response: { statusCode: 302, headers: { location: "https://elsewhere.example/" } } },
  { title: "request ids: x-amzn-request-id, x-amz-id-2, x-amz-cf-id", response: { statusCode: 400, headers: { "x-amzn-request-id": "alt", "x-amz-id-2": "ext", "x-amz-cf-id": "cf" }, body: '{"__type":"ValidationException"}' } },
  { title: "request id from x-amz-request-id", response: { statusCode: 400, headers: { "x-amz-request-id": "s3-style" }, body: '{"__type":"ValidationException"}' } },
  { title: "error without a message member (WebhookNotFoundException)", op: "DeregisterWebhookWithThirdParty", input: { webhookName: "w" }, response: json(400, { __type: "WebhookNotFoundException" }) },
  { title: "modeled error with a message, on an operation that declares it", op: "ListWebhooks", input: {}, response: json(400, { __type: "InvalidNextTokenException", message: "bad token" }) },
  { title: "header-typed modeled error, empty body", response: { statusCode: 400, headers: { "X-Amzn-ErrorType": "PipelineNotFoundException", "x-amzn-requestid": "r" } } },
  { title: "header-typed unmodeled error, empty body", response: { statusCode: 429, headers: { "x-amzn-errortype": "ThrottlingException", "x-amzn-requestid": "r" } } },
  { title: "header-typed unmodeled error, JSON body with fields", response: json(400, { Message: "Rate exceeded", retryAfterSeconds: 3 }, { "x-amzn-errortype": "ThrottlingException" }) },
  { title: "unmodeled error: Message only, message goes last", response: json(400, { __type: "AccessDeniedException", Message: "denied", Reason: "x" }) },
  { title: "unmodeled error: message before the other fields keeps its place", response: json(400, { message: "first", __type: "AccessDeniedException", after: 1 }) },
  { title: "message null or empty", response: json(400, { __type: "PipelineNotFoundException", message: null, Message: "" }) },
  { title: "unmodeled error: empty message", response: json(400, { __type: "Teapot", message: "" }) },
];

async function both(c: Case) {
  const pair = clientPair(() => c.response);
  const op = c.op ?? "GetPipeline";
  const input = c.input ?? { name: "p" };
  const mine = await caught(() => pair.ours.send(new (ours as any)[`${op}Command`](input)));
  const theirs = await caught(() => pair.v3.send(new (v3 as any)[`${op}Command`](input)));
  return { mine, theirs };
}

describe("errors: same as the official client", () => {
  it.each(SAME.map((c) => [c.title, c] as const))("%s", async (_title, c) => {
    const { mine, theirs } = await both(c);
    expect(errorView(mine)).toStrictEqual(errorView(theirs));
    // what users' code sees when it serialises or spreads the error: same keys, same order, same values
    expect(Object.keys(mine)).toStrictEqual(Object.keys(theirs));
    expect(JSON.stringify(mine)).toBe(JSON.stringify(theirs));
    expect(JSON.stringify({ ...mine })).toBe(JSON.stringify({ ...theirs }));
    expect(mine).toBeInstanceOf(ours.CodePipelineServiceException);
    expect(mine.constructor.name).toBe(theirs.constructor.name);
    // the raw response: present, hidden from enumeration, as in v3
    expect(mine.$response?.statusCode).toBe(c.response.statusCode);
    expect(Object.keys(mine)).not.toContain("$response");
    expect(Object.keys(mine)).toContain("$retryable");
  });

  it("a modeled error is an instance of its class, of the base class, and of v3's class (v3 matches by name)", async () => {
    const { mine } = await both(SAME[0]!);
    expect(mine).toBeInstanceOf(ours.PipelineNotFoundException);
    expect(mine).toBeInstanceOf(v3.PipelineNotFoundException);
    expect(mine).toBeInstanceOf(v3.CodePipelineServiceException);
    expect(mine).not.toBeInstanceOf(ours.ValidationException);
  });

  it("a modeled error the operation does not declare: same fields, and instanceof its class still matches", async () => {
    // GetPipeline does not declare WebhookNotFoundException: v3 looks codes up service-wide, we build a
    // CodePipelineServiceException named after the code, which `instanceof` matches by name as v3 does.
    const { mine, theirs } = await both({ title: "", response: json(400, { __type: "WebhookNotFoundException", message: "x" }) });
    expect(errorView(mine)).toStrictEqual(errorView(theirs));
    expect(mine).toBeInstanceOf(ours.WebhookNotFoundException);
    expect(mine).not.toBeInstanceOf(ours.PipelineNotFoundException);
    expect(theirs).toBeInstanceOf(v3.WebhookNotFoundException);
  });

  it("errors from the official client match our classes too (mixed code bases)", async () => {
    const { theirs } = await both(SAME[0]!);
    expect(theirs).toBeInstanceOf(ours.PipelineNotFoundException);
    expect(theirs).toBeInstanceOf(ours.CodePipelineServiceException);
    expect(theirs).not.toBeInstanceOf(ours.ValidationException);
    expect(new Error("plain")).not.toBeInstanceOf(ours.CodePipelineServiceException);
    expect({ name: "PipelineNotFoundException" }).not.toBeInstanceOf(ours.PipelineNotFoundException);
  });
});

describe("errors: where we do better than the official client", () => {
  it("an HTML error page is a CodePipelineServiceException with the status, request id, fault and a snippet (v3: bare SyntaxError)", async () => {
    const page = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>";
    const { mine, theirs } = await both({
      title: "",
      response: { statusCode: 503, headers: { "content-type": "text/html", "x-amzn-requestid": "rid-html" }, body: page },
    });
    expect(theirs.name).toBe("SyntaxError");
    expect(theirs.$fault).toBeUndefined();
    expect(mine).toBeInstanceOf(ours.CodePipelineServiceException);
    expect(mine).toMatchObject({ name: "Unknown", $fault: "server", $metadata: { httpStatusCode: 503, requestId: "rid-html" } });
    expect(mine.message).toContain("HTTP 503");
    expect(mine.message).toContain("text/html");
    expect(mine.message).toContain("503 Service Temporarily Unavailable");
    expect(mine.$response.statusCode).toBe(503);
  });

  it("a plain-text 4xx body is a client-fault service error", async () => {
    const { mine } = await both({ title: "", response: { statusCode: 400, headers: { "x-amzn-errortype": "ThrottlingException" }, body: "Rate exceeded" } });
    expect(mine).toMatchObject({ name: "ThrottlingException", $fault: "client", $metadata: { httpStatusCode: 400 } });
    expect(mine.message).toContain("Rate exceeded");
  });

  it("a JSON array or string error body is not spread into numbered properties (v3: '0', '1', ...)", async () => {
    const { mine, theirs } = await both({ title: "", response: json(400, [1, 2]) });
    expect(theirs["0"]).toBe(1);
    expect(Object.keys(mine)).not.toContain("0");
    expect(mine).toMatchObject({ name: "Unknown", $fault: "client" });
    expect(mine.message).toContain("[1,2]");
  });
});
