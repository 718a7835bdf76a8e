import { it, expect, vi } from "vitest";
import { ListPipelinesCommand } from "../../src/index.js";
import { startServer, clientFor, sequence, serviceError, json } from "./helpers.js";

it("smoke", async () => {
  vi.spyOn(Math, "random").mockReturnValue(0);
  const s = await startServer(sequence(serviceError(503, "ServiceUnavailable"), json({ pipelines: [] })));
  const c = clientFor(s.url);
  const out = await c.send(new ListPipelinesCommand({}));
  console.log(out, s.requests.map((r) => r.headers["amz-sdk-request"]));
  c.destroy();
  await s.close();
});
