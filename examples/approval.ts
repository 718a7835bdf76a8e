// Answer a manual approval by pipeline, stage and action name: list what waits, then approve or reject it.
//
//   node approval.js <pipeline-name> [approve|reject] [summary]
//
// Exit code 0 when an answer was sent, 1 when no approval was waiting or it changed in the meantime.
import {
  ApprovalNotPendingError,
  ApprovalTokenOutdatedError,
  CodePipelineClient,
  approvePendingApproval,
  listPendingApprovals,
  rejectPendingApproval,
} from "codepipeline-client";

const [pipelineName, answer = "approve", summary = "checked by the release script"] = process.argv.slice(2);
if (!pipelineName || (answer !== "approve" && answer !== "reject")) {
  console.error("usage: approval <pipeline-name> [approve|reject] [summary]");
  process.exit(2);
}

const client = new CodePipelineClient({});
try {
  const pending = await listPendingApprovals({ client }, { pipelineName });
  for (const a of pending) console.log(`${a.stageName}/${a.actionName} waits (execution ${a.pipelineExecutionId})`);
  const first = pending[0];
  if (!first) {
    console.error(`no approval is waiting in ${pipelineName}`);
    process.exitCode = 1;
  } else {
    // Passing the execution id makes sure the answer goes to the approval listed above, not to a newer run's.
    const target = { pipelineName, stageName: first.stageName, actionName: first.actionName, summary, pipelineExecutionId: first.pipelineExecutionId };
    await (answer === "approve" ? approvePendingApproval : rejectPendingApproval)({ client }, target);
    console.log(`${answer === "approve" ? "approved" : "rejected"} ${first.stageName}/${first.actionName}`);
  }
} catch (error) {
  if (!(error instanceof ApprovalTokenOutdatedError || error instanceof ApprovalNotPendingError)) throw error;
  console.error(`not answered: ${error.message}`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
