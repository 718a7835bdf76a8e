/**
 * Middleware and plugins written for the official client, run unchanged on ours.
 * Each scenario runs on both clients (same fake handler) and must give the same observations.
 */
import { HttpRequest } from "@smithy/core/protocols";
import type { Pluggable } from "@smithy/types";
import { describe, expect, it } from "vitest";
import { clientPair, ours, v3, type SeenRequest } from "./harness.js";

type AnyClient = { middlewareStack: any; send(command: any): Promise<any> };

/** Runs `scenario` against each client and returns [ours, v3] observations. */
async function onBoth<T>(scenario: (client: AnyClient, lib: typeof ours | typeof v3, requests: SeenRequest[]) => Promise<T>) {
  const results: T[] = [];
  for (const which of ["ours", "v3"] as const) {
    const pair = clientPair(() => ({ statusCode: 200, headers: { "x-amzn-requestid": "rid" }, body: '{"pipelines":[]}' }));
    results.push(await scenario(pair[which] as AnyClient, which === "ours" ? ours : v3, pair.requests));
  }
  return results as [T, T];
}

const signedHeaders = (r: SeenRequest) => /SignedHeaders=([^,]+)/.exec(r.headers["authorization"] ?? "")?.[1]?.split(";") ?? [];

describe("v3 middleware on our client", () => {
  it("a build-step middleware adds a header, which is sent and signed", async () => {
    const [mine, theirs] = await onBoth(async (client, lib, requests) => {
      client.middlewareStack.add(
        (next: any) => async (args: any) => {
          if (HttpRequest.isInstance(args.request)) args.request.headers["x-team-trace"] = "abc";
          return next(args);
        },
        { step: "build", name: "addTraceHeader" },
      );
      await client.send(new lib.ListPipelinesCommand({}));
      return { header: requests[0]!.headers["x-team-trace"], signed: signedHeaders(requests[0]!).includes("x-team-trace") };
    });
    expect(mine).toEqual({ header: "abc", signed: true });
    expect(mine).toEqual(theirs);
  });

  it("context carries clientName and commandName; args carry the input", async () => {
    const [mine, theirs] = await onBoth(async (client, lib) => {
      const seen: unknown[] = [];
      client.middlewareStack.add(
        (next: any, context: any) => async (args: any) => {
          seen.push({ clientName: context.clientName, commandName: context.commandName, input: args.input });
          return next(args);
        },
        { step: "initialize", name: "recordContext" },
      );
      await client.send(new lib.ListPipelinesCommand({ maxResults: 3 }));
      return seen;
    });
    expect(mine).toEqual([{ clientName: "CodePipelineClient", commandName: "ListPipelinesCommand", input: { maxResults: 3 } }]);
    expect(mine).toEqual(theirs);
  });

  it("a serialize-step middleware can read and replace the request with HttpRequest.clone / new HttpRequest", async () => {
    const [mine, theirs] = await onBoth(async (client, lib, requests) => {
      client.middlewareStack.add(
        (next: any) => async (args: any) => {
          const out = await next(args);
          return out;
        },
        { step: "serialize", priority: "low", name: "noop" },
      );
      client.middlewareStack.add(
        (next: any) => async (args: any) => {
          const request = HttpRequest.clone(args.request);
          request.headers["x-cloned"] = "yes";
          return next({ ...args, request: new HttpRequest(request) });
        },
        { step: "build", name: "cloneRequest" },
      );
      await client.send(new lib.ListPipelinesCommand({}));
      return { cloned: requests[0]!.headers["x-cloned"], body: JSON.parse(requests[0]!.body) };
    });
    expect(mine).toEqual({ cloned: "yes", body: {} });
    expect(mine).toEqual(theirs);
  });

  it("deserialize-step middleware: around the deserializer (high) it sees the output, inside it (normal) the raw response", async () => {
    const [mine, theirs] = await onBoth(async (client, lib) => {
      const seen: unknown[] = [];
      for (const priority of ["high", "normal"] as const)
        client.middlewareStack.add(
          (next: any) => async (args: any) => {
            const result = await next(args);
            seen.push({ priority, status: result.response.statusCode, requestId: result.response.headers["x-amzn-requestid"], output: result.output });
            return result;
          },
          { step: "deserialize", name: `peek-${priority}`, priority },
        );
      await client.send(new lib.ListPipelinesCommand({}));
      return seen;
    });
    expect(mine).toEqual([
      { priority: "normal", status: 200, requestId: "rid", output: undefined },
      { priority: "high", status: 200, requestId: "rid", output: { pipelines: [], $metadata: expect.objectContaining({ requestId: "rid" }) } },
    ]);
    expect(mine).toEqual(theirs);
  });

  it("a finalizeRequest middleware runs once per attempt, after the retry middleware", async () => {
    const [mine, theirs] = await onBoth(async (client, lib) => {
      const attempts: string[] = [];
      client.middlewareStack.addRelativeTo(
        (next: any) => async (args: any) => {
          attempts.push(args.request.headers["amz-sdk-request"]);
          return next(args);
        },
        { relation: "after", toMiddleware: "retryMiddleware", name: "perAttempt" },
      );
      await client.send(new lib.ListPipelinesCommand({}));
      return attempts;
    });
    expect(mine).toEqual(["attempt=1; max=1"]);
    expect(mine).toEqual(theirs);
  });

  it("an { applyToStack } plugin works through middlewareStack.use, on the client and on one command", async () => {
    const [mine, theirs] = await onBoth(async (client, lib, requests) => {
      const plugin = (value: string): Pluggable<any, any> => ({
        applyToStack(stack) {
          stack.add(
            (next: any) => async (args: any) => {
              args.request.headers["x-plugin"] = value;
              return next(args);
            },
            { step: "build", name: `plugin-${value}` },
          );
        },
      });
      client.middlewareStack.use(plugin("client"));
      await client.send(new lib.ListPipelinesCommand({}));
      const command = new lib.ListPipelinesCommand({});
      command.middlewareStack.use(plugin("command"));
      await client.send(command);
      return requests.map((r) => r.headers["x-plugin"]);
    });
    // the command's plugin runs after the client's (same step, added later)
    expect(mine).toEqual(["client", "command"]);
    expect(mine).toEqual(theirs);
  });

  it("removes middleware by name and by tag like v3", async () => {
    const [mine, theirs] = await onBoth(async (client, lib, requests) => {
      client.middlewareStack.add(
        (next: any) => async (args: any) => {
          args.request.headers["x-temp"] = "1";
          return next(args);
        },
        { step: "build", name: "temp", tags: ["TEMP"] },
      );
      const removed = client.middlewareStack.removeByTag("TEMP");
      const removedAgain = client.middlewareStack.remove("temp");
      await client.send(new lib.ListPipelinesCommand({}));
      return { removed, removedAgain, header: requests[0]!.headers["x-temp"] };
    });
    expect(mine).toEqual({ removed: true, removedAgain: false, header: undefined });
    expect(mine).toEqual(theirs);
  });
});

/** Every middleware name the official client's stack shows for a command, in order. */
const V3_NAMES = [
  "loggerMiddleware",
  "httpAuthSchemeMiddleware",
  "endpointV2Middleware",
  "serializerMiddleware",
  "contentLengthMiddleware",
  "getUserAgentMiddleware",
  "hostHeaderMiddleware",
  "recursionDetectionMiddleware",
  "retryMiddleware",
  "httpSigningMiddleware",
  "awsAuthMiddleware",
  "deserializerMiddleware",
];

describe("addRelativeTo the official client's middleware names", () => {
  it.each(V3_NAMES.flatMap((name) => [[name, "before"] as const, [name, "after"] as const]))(
    "%s (%s)",
    async (name, relation) => {
      const [mine, theirs] = await onBoth(async (client, lib) => {
        let ran = 0;
        client.middlewareStack.addRelativeTo(
          (next: any) => async (args: any) => {
            ran++;
            return next(args);
          },
          { relation, toMiddleware: name, name: "relative" },
        );
        const out = await client.send(new lib.ListPipelinesCommand({}));
        return { ran, pipelines: out.pipelines };
      });
      expect(mine).toEqual({ ran: 1, pipelines: [] });
      expect(mine).toEqual(theirs);
    },
  );
});
