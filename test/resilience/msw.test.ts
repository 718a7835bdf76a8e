/**
 * The same faults as users reproduce them with msw in their own tests: msw intercepts
 * the default Node handler's requests, and the client's retries and errors behave the same.
 */
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { CodePipelineServiceException, GetPipelineCommand, ListPipelinesCommand } from "../../src/index.js";
import { clientFor, settle } from "./helpers.js";

// a host that cannot resolve: if interception ever failed, nothing would leave the machine
const ENDPOINT = "https://codepipeline.example.invalid";
const calls: string[] = [];
let next: () => Response;
const PLAIN_ENDPOINT = "http://codepipeline.example.invalid:4566";
const server = setupServer(
  http.post(`${ENDPOINT}/`, ({ request }) => {
    calls.push(request.headers.get("amz-sdk-request") ?? "");
    return next();
  }),
  http.post(`${PLAIN_ENDPOINT}/`, () => HttpResponse.json({ pipelines: [{ name: "plain" }] })),
);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  calls.length = 0;
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const sequence = (...responses: (() => Response)[]) => {
  let i = 0;
  return () => responses[Math.min(i++, responses.length - 1)]!();
};
const pipeline = () => HttpResponse.json({ pipeline: { name: "p", roleArn: "r", stages: [] } });

it("a load balancer's HTML 503 page, then success", async () => {
  vi.spyOn(Math, "random").mockReturnValue(0);
  next = sequence(() => new HttpResponse("<html><body>503 Service Temporarily Unavailable</body></html>", { status: 503, headers: { "content-type": "text/html" } }), pipeline);
  const client = clientFor(ENDPOINT);
  const out = await client.send(new GetPipelineCommand({ name: "p" }));
  client.destroy();
  expect(out.pipeline?.name).toBe("p");
  expect(calls).toEqual(["attempt=1; max=3", "attempt=2; max=3"]);
});

it("a network error is a retryable NetworkError that keeps its cause", async () => {
  vi.spyOn(Math, "random").mockReturnValue(0);
  next = () => HttpResponse.error();
  const client = clientFor(ENDPOINT);
  const r = await settle(client.send(new GetPipelineCommand({ name: "p" })));
  client.destroy();
  expect(calls).toHaveLength(3);
  expect(!r.ok && r.error).toMatchObject({ name: "NetworkError", $metadata: { attempts: 3, totalRetryDelay: 0 } });
  expect(!r.ok && r.error.cause).toBeInstanceOf(TypeError);
});

it("a throttling error with Retry-After is waited for, then succeeds", async () => {
  vi.spyOn(Math, "random").mockReturnValue(0);
  next = sequence(
    () => HttpResponse.json({ __type: "ThrottlingException", message: "Rate exceeded" }, { status: 400, headers: { "retry-after": "0.1" } }),
    pipeline,
  );
  const client = clientFor(ENDPOINT);
  const out = await client.send(new GetPipelineCommand({ name: "p" }));
  client.destroy();
  expect(out.$metadata.attempts).toBe(2);
  expect(out.$metadata.totalRetryDelay).toBeGreaterThanOrEqual(90);
});

it("a modeled error is not retried and keeps $fault, $metadata and a hidden $response", async () => {
  next = () => HttpResponse.json({ __type: "PipelineNotFoundException", message: "no such pipeline" }, { status: 400, headers: { "x-amzn-requestid": "rid-9" } });
  const client = clientFor(ENDPOINT);
  const r = await settle(client.send(new GetPipelineCommand({ name: "p" })));
  client.destroy();
  expect(calls).toHaveLength(1);
  expect(!r.ok && r.error).toBeInstanceOf(CodePipelineServiceException);
  expect(!r.ok && r.error).toMatchObject({ name: "PipelineNotFoundException", $fault: "client", $metadata: { httpStatusCode: 400, requestId: "rid-9", attempts: 1 } });
  expect(Object.keys(!r.ok && r.error)).not.toContain("$response");
  expect(!r.ok && r.error.$response.statusCode).toBe(400);
});

it("an http:// endpoint (a local emulator's) is intercepted too", async () => {
  const client = clientFor(PLAIN_ENDPOINT, { maxAttempts: 1 });
  const first = await client.send(new ListPipelinesCommand({}));
  const second = await client.send(new ListPipelinesCommand({}));
  client.destroy();
  expect([first.pipelines, second.pipelines]).toEqual([[{ name: "plain" }], [{ name: "plain" }]]);
});
