/** `npm run demo` (scripts/demo.mjs) runs to the end and tells the whole story. */
import { expect, it } from "vitest";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

it("the demo exits 0 after a successful run", async () => {
  const child = spawn(process.execPath, ["scripts/demo.mjs"], { cwd: root, env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(out, out).toContain("Local CodePipeline endpoint listening at http://127.0.0.1:");
  expect(code, out).toBe(0);
  for (const line of [
    /stage +Build +Succeeded/,
    /worker +resumed job .* with continuation token "link-step"/,
    /approval Approve\/Review is waiting/,
    /stage +Deploy +Succeeded/,
    /✔ execution .* Succeeded/,
    /threw PipelineNotFoundException \(instanceof PipelineNotFoundException: true, HTTP 400/,
    /pipeline\.stages\[0\]\.actions\[0\]\.name: length 0 < 1/,
    /^Done in /m,
  ])
    expect(out).toMatch(line);
  expect(out).not.toContain("\x1b[");
}, 60_000);
