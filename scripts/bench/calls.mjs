// Per-call cost of one client against the bench server, in a process of its own:
//   node scripts/bench/calls.mjs <ours|v3|floor|ours-untraced|ours-otel|v3-otel> <port>
// Prints one JSON line: CPU µs per call and calls per second, sequential and
// with 16 in flight (median of 3 rounds each), and the RSS after 10,000 calls.
// ours-untraced also measures the client as shipped in the same rounds (`pairs`).
import http from "node:http";
import { createHash, createHmac } from "node:crypto";
import { TRACING_IMPLS, checkedSpans, pairedCall, tracingCall } from "./tracing-setup.mjs";

const [impl, port] = [process.argv[2], Number(process.argv[3])];
const endpoint = `http://127.0.0.1:${port}`;
const region = "us-east-1";
// Made-up keys: the bench server only checks that a SigV4 header is present.
const credentials = { accessKeyId: "AKIDBENCHEXAMPLE", secretAccessKey: "bench-secret-not-real" };

// the tracing set-ups run half-size rounds, to keep `npm run bench` short
const SCALE = TRACING_IMPLS.includes(impl) ? 2 : 1;
const WARM_UP = 1000 / SCALE;
const ROUNDS = 3;
const SEQUENTIAL = 1000 / SCALE;
const CONCURRENT = 2000 / SCALE;
const IN_FLIGHT = 16;
const TOTAL = WARM_UP + ROUNDS * (SEQUENTIAL + CONCURRENT); // 10,000 (5,000 for the tracing set-ups)

async function makeCall() {
  const traced = await tracingCall(impl, { region, endpoint, credentials });
  if (traced) return traced;
  if (impl === "ours") {
    const { CodePipelineClient, ListPipelinesCommand } = await import("codepipeline-client");
    const client = new CodePipelineClient({ region, endpoint, credentials });
    return () => client.send(new ListPipelinesCommand({}));
  }
  if (impl === "v3") {
    const { CodePipelineClient, ListPipelinesCommand } = await import("@aws-sdk/client-codepipeline");
    const client = new CodePipelineClient({ region, endpoint, credentials });
    return () => client.send(new ListPipelinesCommand({}));
  }
  if (impl === "floor") return floorCall();
  throw new Error(`unknown implementation ${impl}`);
}

/**
 * The floor: what any client must do per call. @smithy/node-http-handler (the transport this
 * client and v3 use in Node) with a keep-alive agent, SigV4 by @smithy/signature-v4 on
 * node:crypto, JSON.parse, and the epoch-seconds timestamps turned into Dates. No middleware,
 * retries, timeouts or endpoint rules.
 */
async function floorCall() {
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const { NodeHttpHandler } = await import("@smithy/node-http-handler");
  class Sha256 {
    constructor(secret) {
      this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", secret);
    }
    update(data) {
      this.hash.update(data);
    }
    async digest() {
      return this.hash.digest();
    }
  }
  const signer = new SignatureV4({ service: "codepipeline", region, credentials, sha256: Sha256, applyChecksum: false });
  const handler = new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 50 }) });
  return async () => {
    const body = "{}";
    const signed = await signer.sign({
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port,
      path: "/",
      query: {},
      headers: {
        host: `127.0.0.1:${port}`,
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "CodePipeline_20150709.ListPipelines",
        "content-length": String(body.length),
      },
      body,
    });
    const { response } = await handler.handle(signed);
    const raw = await new Promise((resolve, reject) => {
      const chunks = [];
      response.body.on("data", (c) => chunks.push(c));
      response.body.on("end", () => (response.statusCode === 200 ? resolve(Buffer.concat(chunks).toString("utf8")) : reject(new Error(`HTTP ${response.statusCode}`))));
      response.body.on("error", reject);
    });
    const out = JSON.parse(raw);
    for (const p of out.pipelines) {
      p.created = new Date(p.created * 1000);
      p.updated = new Date(p.updated * 1000);
    }
    return out;
  };
}

async function run(call, count, inFlight) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const out = await call();
      if (out.pipelines.length !== 20 || !(out.pipelines[0].created instanceof Date)) throw new Error("unexpected output");
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

async function measure(call, count, inFlight) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await run(call, count, inFlight);
  const ns = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / count, rps: count / (ns / 1e9) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const call = await makeCall();
// ours-untraced: the client as shipped is measured in the same rounds, in alternating order
const shipped = await pairedCall(impl, { region, endpoint, credentials });
for (const c of shipped ? [call, shipped] : [call]) {
  await run(c, WARM_UP / 2, 1);
  await run(c, WARM_UP / 2, IN_FLIGHT);
}
const seq = [];
const conc = [];
const pairs = { sequential: [], concurrent: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const [mode, rounds, count, inFlight] of [["sequential", seq, SEQUENTIAL, 1], ["concurrent", conc, CONCURRENT, IN_FLIGHT]]) {
    if (!shipped) {
      rounds.push(await measure(call, count, inFlight));
      continue;
    }
    const order = r % 2 ? [shipped, call] : [call, shipped];
    const [first, second] = [await measure(order[0], count, inFlight), await measure(order[1], count, inFlight)];
    const [a, b] = r % 2 ? [second, first] : [first, second];
    rounds.push(a);
    pairs[mode].push({ base: a.cpuUs, other: b.cpuUs });
  }
}
const result = {
  impl,
  calls: TOTAL,
  sequential: { cpuUs: median(seq.map((x) => x.cpuUs)), rps: median(seq.map((x) => x.rps)) },
  concurrent: { cpuUs: median(conc.map((x) => x.cpuUs)), rps: median(conc.map((x) => x.rps)) },
  rssAfter: process.memoryUsage().rss,
  spans: checkedSpans(impl, TOTAL),
  ...(shipped ? { pairs } : {}),
};
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(0);
