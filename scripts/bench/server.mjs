// Local CodePipeline stand-in for the per-call benchmark: answers ListPipelines
// with 20 pipelines over keep-alive HTTP on 127.0.0.1. Run as its own process
// (`node scripts/bench/server.mjs`); it prints `PORT <n>` and stops when its
// parent goes away or after 30 minutes, whichever comes first.
import http from "node:http";

const now = Math.floor(Date.now() / 1000);
const pipelines = Array.from({ length: 20 }, (_, i) => ({
  name: `bench-pipeline-${String(i).padStart(2, "0")}`,
  version: i + 1,
  pipelineType: i % 2 ? "V2" : "V1",
  executionMode: "SUPERSEDED",
  created: now - 86400 * (i + 10) + 0.5,
  updated: now - 3600 * (i + 1) + 0.25,
}));
const body = Buffer.from(JSON.stringify({ pipelines }));
let requestId = 0;

const server = http.createServer({ keepAlive: true, keepAliveTimeout: 60_000 }, (req, res) => {
  const target = req.headers["x-amz-target"];
  req.resume();
  req.on("end", () => {
    if (target !== "CodePipeline_20150709.ListPipelines" || !String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
      const err = Buffer.from(JSON.stringify({ __type: "ValidationException", message: "unexpected request" }));
      res.writeHead(400, { "content-type": "application/x-amz-json-1.1", "content-length": err.length, "x-amzn-requestid": "bad" });
      res.end(err);
      return;
    }
    res.writeHead(200, {
      "content-type": "application/x-amz-json-1.1",
      "content-length": body.length,
      "x-amzn-requestid": `req-${++requestId}`,
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
const stop = () => process.exit(0);
process.stdin.on("end", stop).on("error", stop).resume();
process.on("SIGTERM", stop);
// a safety net only (it stops when its parent goes away): a busy machine can take more than 10 minutes for the
// per-call processes of `npm run bench`
setTimeout(stop, 1_800_000).unref();
