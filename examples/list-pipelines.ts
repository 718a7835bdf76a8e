// List every pipeline, page by page, then the latest executions of one of them.
//
//   node list-pipelines.js [pipeline-name]
//
// Region, endpoint and credentials come from the environment (AWS_REGION, AWS_PROFILE, ...), as in production.
// Against the local endpoint: see README.md in this folder.
import { CodePipelineClient, paginateListPipelineExecutions, paginateListPipelines } from "codepipeline-client";

const client = new CodePipelineClient({});

let count = 0;
for await (const page of paginateListPipelines({ client, pageSize: 10 }, {})) {
  for (const p of page.pipelines ?? []) {
    count++;
    console.log(`${p.name}\tversion ${p.version}\t${p.pipelineType ?? ""}\tupdated ${p.updated?.toISOString() ?? "-"}`);
  }
}
console.log(`${count} pipeline(s)`);

const name = process.argv[2];
if (name) {
  // .items() walks the pages for you; stop early with break.
  let shown = 0;
  for await (const run of paginateListPipelineExecutions.items({ client }, { pipelineName: name })) {
    console.log(`${run.pipelineExecutionId}\t${run.status}\t${run.startTime?.toISOString() ?? ""}`);
    if (++shown === 5) break;
  }
}
client.destroy();
