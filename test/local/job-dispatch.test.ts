/**
 * Jobs handed out by a poll and never acknowledged go back in the queue with a new nonce after
 * `jobAcknowledgeTimeoutMs`; acknowledged jobs stay with their worker.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../src/index.js";
import { startLocalCodePipeline, type LocalCodePipeline } from "../../src/local/index.js";
import { BUILD_TYPE, customBuildType, nextJob, pipeline, rejection, setup } from "./fixtures.js";

const ACK_TIMEOUT_MS = 200;
let local: LocalCodePipeline;
let client: C.CodePipelineClient;

beforeAll(async () => {
  ({ local, client } = await setup({ jobAcknowledgeTimeoutMs: ACK_TIMEOUT_MS }));
  await client.send(new C.CreateCustomActionTypeCommand(customBuildType));
});
afterAll(async () => {
  client?.destroy();
  await local?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const poll = async () => (await client.send(new C.PollForJobsCommand({ actionTypeId: BUILD_TYPE }))).jobs ?? [];

async function start(name: string) {
  await client.send(new C.CreatePipelineCommand({ pipeline: pipeline(name) }));
  await client.send(new C.StartPipelineExecutionCommand({ name }));
  return nextJob(client, BUILD_TYPE);
}

describe("jobs nobody acknowledges", () => {
  it("are handed out again after jobAcknowledgeTimeoutMs, with a new nonce; the old one is refused", async () => {
    const first = await start("dispatch-unacked");
    expect(await poll()).toEqual([]); // handed out: no other poller gets it meanwhile
    await sleep(ACK_TIMEOUT_MS + 100);
    const again = await poll();
    expect(again.map((j) => j.id)).toEqual([first.id]);
    expect(again[0]!.nonce).not.toBe(first.nonce);
    await rejection(client.send(new C.AcknowledgeJobCommand({ jobId: first.id!, nonce: first.nonce! })), C.InvalidNonceException);
    const ack = await client.send(new C.AcknowledgeJobCommand({ jobId: first.id!, nonce: again[0]!.nonce! }));
    expect(ack.status).toBe("InProgress");
    await client.send(new C.PutJobSuccessResultCommand({ jobId: first.id!, outputVariables: { Flavor: "x" } }));
  });

  it("an acknowledged job stays with its worker, and a repeated acknowledgement is answered the same", async () => {
    const job = await start("dispatch-acked");
    expect((await client.send(new C.AcknowledgeJobCommand({ jobId: job.id!, nonce: job.nonce! }))).status).toBe("InProgress");
    await sleep(ACK_TIMEOUT_MS + 100);
    expect(await poll()).toEqual([]);
    expect((await client.send(new C.AcknowledgeJobCommand({ jobId: job.id!, nonce: job.nonce! }))).status).toBe("InProgress");
    await client.send(new C.PutJobSuccessResultCommand({ jobId: job.id!, outputVariables: { Flavor: "x" } }));
  });

  it("the option is checked", async () => {
    await expect(startLocalCodePipeline({ jobAcknowledgeTimeoutMs: -1 })).rejects.toThrow(/jobAcknowledgeTimeoutMs/);
  });
});
