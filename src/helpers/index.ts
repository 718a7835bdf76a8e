export { waitForPipelineExecutionComplete, waitUntilPipelineExecutionComplete, startPipelineExecutionAndWait, watchPipelineExecution } from "./traced.js";
export {
  WaiterState,
  WaiterError,
  type PipelineExecutionWaiterConfiguration,
  type PipelineExecutionWaiterInput,
  type PipelineExecutionWaiterResult,
  type PipelineExecutionFailure,
} from "./waiter.js";
export {
  type WatchPipelineExecutionConfiguration,
  type PipelineExecutionEvent,
  type ExecutionStatusEvent,
  type StageStatusEvent,
  type ActionStatusEvent,
  type ApprovalWaitingEvent,
  type ResultEvent,
} from "./watch.js";
export {
  JobFailedError,
  JobResultError,
  checkJobResult,
  failureDetailsFrom,
  type JobResult,
  type WorkerJob,
  type JobContext,
  type JobHandler,
} from "./jobs.js";
export {
  createJobWorker,
  createThirdPartyJobWorker,
  type JobWorker,
  type JobWorkerOptions,
  type CustomJobWorkerOptions,
  type ThirdPartyJobWorkerOptions,
  type StopOptions,
} from "./job-worker.js";
export {
  createLambdaJobHandler,
  parseUserParameters,
  type CodePipelineJobEvent,
  type LambdaContextLike,
  type LambdaEventArtifact,
  type LambdaJobFunction,
  type LambdaJob,
  type LambdaJobContext,
  type LambdaJobHandler,
  type LambdaJobHandlerOptions,
  type LambdaJobOutcome,
} from "./lambda.js";
export {
  listPendingApprovals,
  approvePendingApproval,
  rejectPendingApproval,
  ApprovalTokenOutdatedError,
  ApprovalNotPendingError,
  type PendingApproval,
  type ApprovalsConfiguration,
  type ApprovalDecision,
  type ApprovalOutcome,
} from "./approvals.js";
export { JobResultUndeliveredError, type UndeliveredResult } from "./persist.js";
