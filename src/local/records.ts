/** The records the local endpoint keeps in memory: pipelines, executions, stage and action runs, jobs, webhooks. */
import type * as M from "../../models/index.js";

export interface EngineOptions {
  region: string;
  accountId: string;
  actionDelayMs: number;
  jobAcknowledgeTimeoutMs: number;
  startExecutionOnCreate: boolean;
}

/** Which action or rule runs a failure applies to (see `failAction`, `failRule`). */
export interface FailureMatch {
  /** Only runs in this pipeline fail; any pipeline when absent. */
  pipelineName?: string;
  /** Only runs in this stage fail; any stage when absent. */
  stageName?: string;
  /** The action name (for `failAction`) or the rule name (for `failRule`). */
  name: string;
  /** Error summary reported for the failed run. Default: "Action failed" / "Rule failed". */
  message?: string;
  /** Error code reported in the run's `errorDetails`. Default: "JobFailed". */
  code?: string;
  /** How many runs fail. Default: 1. Use `Infinity` for every run. */
  times?: number;
}

export interface TransitionRec {
  enabled: boolean;
  lastChangedBy: string;
  lastChangedAt: Date;
  disabledReason?: string;
}

export interface PipelineRec {
  name: string;
  arn: string;
  decl: M.PipelineDeclaration;
  versions: M.PipelineDeclaration[];
  created: Date;
  updated: Date;
  tags: M.Tag[];
  inbound: Map<string, TransitionRec>;
  outbound: Map<string, TransitionRec>;
  executions: ExecRec[];
  slots: Map<string, Slot>;
  actionLatest: Map<string, ActionRun>;
  revisions: Map<string, M.ActionRevision>;
  requestTokens: Map<string, ExecRec>;
  actionRuns: ActionRun[];
  ruleRuns: RuleRun[];
}

export interface Slot {
  occupant?: ExecRec;
  waiting: ExecRec[];
  latest?: ExecRec;
}

export interface ExecRec {
  id: string;
  pipeline: PipelineRec;
  decl: M.PipelineDeclaration;
  status: M.PipelineExecutionStatus;
  statusSummary?: string;
  start: Date;
  updated: Date;
  trigger: M.ExecutionTrigger;
  mode: M.ExecutionMode;
  type: M.ExecutionType;
  rollbackTarget?: string;
  variables: M.ResolvedPipelineVariable[];
  overrides: Map<string, string>;
  artifactRevisions: M.ArtifactRevision[];
  sourceRevisions: M.SourceRevision[];
  stopTrigger?: M.StopExecutionTrigger;
  first: number;
  last: number;
  current: number;
  stages: Map<string, StageRun>;
  outputVariables: Map<string, Record<string, string>>;
  artifacts: Map<string, M.Artifact>;
}

export interface StageRun {
  name: string;
  index: number;
  status: M.StageExecutionStatus;
  runs: Map<string, ActionRun>;
  retry?: M.RetryStageMetadata;
  autoRetries: number;
  conditions: Map<string, CondRun>;
}

export interface ActionRun {
  id: string;
  exec: ExecRec;
  stage: string;
  decl: M.ActionDeclaration;
  status: M.ActionExecutionStatus;
  start: Date;
  updated: Date;
  summary?: string;
  token?: string;
  approvedAt?: Date;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  percentComplete?: number;
  errorDetails?: M.ErrorDetails;
  outputVariables?: Record<string, string>;
  resolved: Record<string, string>;
  input: M.ArtifactDetail[];
  output: M.ArtifactDetail[];
  timer?: NodeJS.Timeout;
  updatedBy?: string;
}

export interface CondRun {
  type: M.ConditionType;
  status: M.ConditionExecutionStatus;
  summary?: string;
  updated: Date;
  rules: RuleRun[];
}

export interface RuleRun {
  id: string;
  exec: ExecRec;
  stage: string;
  decl: M.RuleDeclaration;
  status: M.RuleExecutionStatus;
  start: Date;
  updated: Date;
  summary?: string;
  errorDetails?: M.ErrorDetails;
  timer?: NodeJS.Timeout;
}

export interface JobRec {
  id: string;
  nonce: string;
  status: M.JobStatus;
  owner: "Custom" | "ThirdParty";
  run: ActionRun;
  clientId?: string;
  continuationToken?: string;
  credentials: M.AWSSessionCredentials;
  /** Puts a dispatched job back in the queue when nobody acknowledges it. */
  dispatchTimer?: NodeJS.Timeout;
}

export interface CustomTypeRec {
  actionType: M.ActionType;
  arn: string;
  tags: M.Tag[];
}

export interface WebhookRec {
  definition: M.WebhookDefinition;
  arn: string;
  id: string;
  tags: M.Tag[];
  lastTriggered?: Date;
  registered: boolean;
}

export const typeKey = (id: { category?: string; owner?: string; provider?: string; version?: string }): string =>
  `${id.owner}/${id.category}/${id.provider}/${id.version}`;

export const runKey = (stage: string, action: string): string => `${stage}\u0000${action}`;

export const isApproval = (id: M.ActionTypeId | undefined): boolean =>
  id?.category === "Approval" && id.owner === "AWS" && id.provider === "Manual";

