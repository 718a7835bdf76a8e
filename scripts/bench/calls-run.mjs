// Starts the bench server in its own process and runs scripts/bench/calls.mjs
// for each implementation in fresh processes, interleaved, `repeats` times;
// returns the median figures per implementation.
import { spawn, execFileSync, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./bundles.mjs";

const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", NODE_OPTIONS: "" };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * With two cores or more and `taskset`, the server runs on CPU 0 and each client
 * process on CPU 1, so client and server do not fight over one core and the
 * client's figures are its own. Otherwise both float.
 */
const pinning = () =>
  os.availableParallelism() >= 2 && spawnSync("taskset", ["-c", "1", process.execPath, "-e", "0"]).status === 0;
const onCpu = (pin, cpu, args) => (pin ? ["taskset", ["-c", String(cpu), process.execPath, ...args]] : [process.execPath, args]);

export async function perCall(impls = ["floor", "ours", "v3"], repeats = 3) {
  const pin = pinning();
  const server = spawn(...onCpu(pin, 0, [path.join(ROOT, "scripts/bench/server.mjs")]), { cwd: ROOT, env, stdio: ["pipe", "pipe", "inherit"] });
  try {
    const port = await new Promise((resolve, reject) => {
      let out = "";
      server.stdout.on("data", (d) => {
        out += d;
        const m = /PORT (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      server.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const runs = Object.fromEntries(impls.map((i) => [i, []]));
    for (let r = 0; r < repeats; r++) {
      for (const impl of impls) {
        const out = execFileSync(...onCpu(pin, 1, [path.join(ROOT, "scripts/bench/calls.mjs"), impl, String(port)]), {
          cwd: ROOT,
          env,
          encoding: "utf8",
          timeout: 900_000,
        });
        runs[impl].push(JSON.parse(out.trim().split("\n").pop()));
      }
    }
    return Object.fromEntries(
      impls.map((impl) => {
        const rs = runs[impl];
        return [
          impl,
          {
            sequential: { cpuUs: median(rs.map((x) => x.sequential.cpuUs)), rps: median(rs.map((x) => x.sequential.rps)) },
            concurrent: { cpuUs: median(rs.map((x) => x.concurrent.cpuUs)), rps: median(rs.map((x) => x.concurrent.rps)) },
            rssAfter: median(rs.map((x) => x.rssAfter)),
            // each process's own figures (the tracing section reads their paired rounds)
            runs: rs,
            spans: rs[0].spans,
            calls: rs[0].calls,
            processes: rs.length,
            pinned: pin,
          },
        ];
      }),
    );
  } finally {
    server.stdin.end();
    server.kill();
  }
}
