import { describe, expect, it } from "vitest";
import {
  CodePipeline,
  ListPipelinesCommand,
  paginateListActionExecutions,
  paginateListActionTypes,
  paginateListPipelines,
  paginateListWebhooks,
} from "../../src/index.js";
import { FakeError, fakeService } from "../support/fake-service.js";

const pages = <T>(items: T[][], tokenKey = "nextToken", itemsKey = "pipelines") => (input: any) => {
  const at = input[tokenKey] === undefined ? 0 : Number(String(input[tokenKey]).slice(1));
  const out: any = { [itemsKey]: items[at] };
  if (at + 1 < items.length) out[tokenKey] = `t${at + 1}`;
  return out;
};

const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe("paginators", () => {
  it("walks every page, passing each returned token and the page size", async () => {
    const svc = fakeService({ ListPipelines: pages([[{ name: "a" }, { name: "b" }], [{ name: "c" }], [{ name: "d" }]]) });
    const got = await collect(paginateListPipelines({ client: svc.client, pageSize: 2 }, {}));
    expect(got.map((p) => p.pipelines!.map((x) => x.name))).toEqual([["a", "b"], ["c"], ["d"]]);
    expect(svc.inputs("ListPipelines")).toEqual([{ maxResults: 2 }, { maxResults: 2, nextToken: "t1" }, { maxResults: 2, nextToken: "t2" }]);
    expect(got[0]!.$metadata.httpStatusCode).toBe(200);
  });

  it(".items iterates the items of every page without a page loop", async () => {
    const svc = fakeService({ ListPipelines: pages([[{ name: "a" }, { name: "b" }], [], [{ name: "c" }]]) });
    const names: string[] = [];
    for await (const p of paginateListPipelines.items({ client: svc.client }, {})) names.push(p.name!);
    expect(names).toEqual(["a", "b", "c"]);
    expect(svc.count("ListPipelines")).toBe(3);
  });

  it("never changes the caller's input", async () => {
    const svc = fakeService({ ListActionExecutions: pages([[{ actionName: "x" }], [{ actionName: "y" }]], "nextToken", "actionExecutionDetails") });
    const input = { pipelineName: "p", filter: { pipelineExecutionId: "e" } };
    const snapshot = structuredClone(input);
    const got = await collect(paginateListActionExecutions.items({ client: svc.client, pageSize: 7 }, input));
    expect(got.map((d) => d.actionName)).toEqual(["x", "y"]);
    expect(input).toEqual(snapshot);
    expect(Object.keys(input)).toEqual(["pipelineName", "filter"]);
    expect(svc.inputs("ListActionExecutions")[1]).toEqual({ pipelineName: "p", filter: { pipelineExecutionId: "e" }, maxResults: 7, nextToken: "t1" });
  });

  it("keeps a page size the input sets itself", async () => {
    const svc = fakeService({ ListPipelines: () => ({ pipelines: [] }) });
    await collect(paginateListPipelines({ client: svc.client, pageSize: 5 }, { maxResults: 3 }));
    expect(svc.inputs("ListPipelines")).toEqual([{ maxResults: 3 }]);
  });

  it("starts at startingToken, which wins over the input's token", async () => {
    const svc = fakeService({ ListPipelines: pages([[{ name: "a" }], [{ name: "b" }], [{ name: "c" }]]) });
    const got = await collect(paginateListPipelines.items({ client: svc.client, startingToken: "t1" }, { nextToken: "t0" }));
    expect(got.map((p) => p.name)).toEqual(["b", "c"]);
    expect(svc.inputs("ListPipelines")[0]).toEqual({ nextToken: "t1" });
  });

  it("uses NextToken / MaxResults for ListWebhooks", async () => {
    const svc = fakeService({ ListWebhooks: pages([[{ url: "u1" }], [{ url: "u2" }]], "NextToken", "webhooks") });
    const got = await collect(paginateListWebhooks.items({ client: svc.client, pageSize: 10 }, {}));
    expect(got.map((w) => w.url)).toEqual(["u1", "u2"]);
    expect(svc.inputs("ListWebhooks")).toEqual([{ MaxResults: 10 }, { MaxResults: 10, NextToken: "t1" }]);
  });

  it("sends no page size for ListActionTypes, which has none", async () => {
    const svc = fakeService({ ListActionTypes: pages([[{ id: { provider: "a" } }], [{ id: { provider: "b" } }]], "nextToken", "actionTypes") });
    const got = await collect(paginateListActionTypes.items({ client: svc.client, pageSize: 10 }, { actionOwnerFilter: "Custom" }));
    expect(got.map((t) => t.id?.provider)).toEqual(["a", "b"]);
    expect(svc.inputs("ListActionTypes")).toEqual([{ actionOwnerFilter: "Custom" }, { actionOwnerFilter: "Custom", nextToken: "t1" }]);
  });

  it("stops when the service returns the token it was just sent, even without stopOnSameToken", async () => {
    const svc = fakeService({ ListPipelines: (input) => ({ pipelines: [{ name: input.nextToken ?? "first" }], nextToken: "stuck" }) });
    const got = await collect(paginateListPipelines.items({ client: svc.client }, {}));
    expect(got.map((p) => p.name)).toEqual(["first", "stuck"]);
    expect(svc.count("ListPipelines")).toBe(2);
  });

  it("stops on a token cycle (A, B, A)", async () => {
    const next: Record<string, string> = { start: "A", A: "B", B: "A" };
    const svc = fakeService({ ListPipelines: (input) => ({ pipelines: [], nextToken: next[input.nextToken ?? "start"] }) });
    await collect(paginateListPipelines({ client: svc.client }, {}));
    expect(svc.inputs("ListPipelines").map((i) => i.nextToken)).toEqual([undefined, "A", "B"]);
  });

  it("stops on an empty token", async () => {
    const svc = fakeService({ ListPipelines: () => ({ pipelines: [], nextToken: "" }) });
    expect(await collect(paginateListPipelines({ client: svc.client }, {}))).toHaveLength(1);
  });

  it("passes extra arguments to send and lets withCommand replace the command", async () => {
    const svc = fakeService({ ListPipelines: () => ({ pipelines: [] }) });
    const sent: unknown[] = [];
    const client = { send: (cmd: any, ...args: unknown[]) => (sent.push(cmd, ...args), svc.client.send(cmd)) };
    const controller = new AbortController();
    await collect(
      paginateListPipelines(
        { client, withCommand: () => new ListPipelinesCommand({ maxResults: 9 }) as any },
        {},
        { abortSignal: controller.signal },
      ),
    );
    expect((sent[0] as ListPipelinesCommand).input).toEqual({ maxResults: 9 });
    expect(sent[1]).toEqual({ abortSignal: controller.signal });
    expect(svc.inputs("ListPipelines")).toEqual([{ maxResults: 9 }]);
  });

  it("works through the aggregated client's paginate methods", async () => {
    const svc = fakeService({ ListPipelines: pages([[{ name: "a" }], [{ name: "b" }]]) });
    const agg = new CodePipeline({
      region: "eu-west-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      requestHandler: svc.client.config.requestHandler!,
      maxAttempts: 1,
    });
    const got = await collect(agg.paginateListPipelines({}, { pageSize: 1 }));
    expect(got.flatMap((p) => p.pipelines!.map((x) => x.name))).toEqual(["a", "b"]);
    expect(svc.inputs("ListPipelines")[0]).toEqual({ maxResults: 1 });
  });

  it("rejects a missing client like the official client, and surfaces service errors", async () => {
    await expect(collect(paginateListPipelines({} as any, {}))).rejects.toThrow("Invalid client, expected instance of CodePipelineClient");
    const svc = fakeService({
      ListPipelines: (input) => {
        if (input.nextToken) throw new FakeError("InvalidNextTokenException", "bad token");
        return { pipelines: [], nextToken: "t1" };
      },
    });
    await expect(collect(paginateListPipelines({ client: svc.client }, {}))).rejects.toMatchObject({ name: "InvalidNextTokenException" });
  });
});
