import { it } from "vitest";
import * as C from "/work/main/src/index.js";
import { startLocalCodePipeline } from "/work/main/src/local/index.js";
it("x", async () => {
  const l = await startLocalCodePipeline();
  const c = new C.CodePipelineClient(l.clientConfig);
  const e = await c.send(new C.UpdatePipelineCommand({ pipeline: { name: "nope", roleArn: "arn:aws:iam::000000000000:role/r", stages: [] } })).catch((x) => x);
  console.log(e.name, e instanceof C.PipelineNotFoundException, e.constructor.name);
  await l.close();
});
