/** Operations on action types, rule types and jobs for custom and third-party actions. */
import type * as M from "../../models/index.js";
import { typeKey } from "./records.js";
import type { Handlers, LocalService } from "./service.js";
import { clone, fail, page } from "./util.js";

const MAX_CUSTOM_TYPES = 50;
const MAX_OUTPUT_VARIABLES_BYTES = 122_880;

export function jobHandlers(svc: LocalService): Handlers {
  const eng = svc.engine;
  return {
    AcknowledgeJob: (i: M.AcknowledgeJobInput): M.AcknowledgeJobOutput => {
      const job = svc.customJob(i.jobId!);
      if (i.nonce !== job.nonce) fail("InvalidNonceException", `The nonce does not match the job ${job.id}.`);
      if (job.status === "Queued" || job.status === "Dispatched") eng.acknowledged(job);
      return { status: job.status };
    },

    AcknowledgeThirdPartyJob: (i: M.AcknowledgeThirdPartyJobInput): M.AcknowledgeThirdPartyJobOutput => {
      const job = svc.thirdPartyJob(i.jobId!, i.clientToken!);
      if (i.nonce !== job.nonce) fail("InvalidNonceException", `The nonce does not match the job ${job.id}.`);
      if (job.status === "Queued" || job.status === "Dispatched") eng.acknowledged(job);
      return { status: job.status };
    },

    CreateCustomActionType: (i: M.CreateCustomActionTypeInput): M.CreateCustomActionTypeOutput => {
      const id: M.ActionTypeId = { category: i.category, owner: "Custom", provider: i.provider, version: i.version };
      const key = typeKey(id);
      if (eng.customTypes.has(key))
        fail(
          "ValidationException",
          eng.deletedTypes.has(key)
            ? `The custom action type ${key} was deleted; create it again with a version that was never used.`
            : `The custom action type ${key} already exists.`,
        );
      const live = [...eng.customTypes.keys()].filter((k) => !eng.deletedTypes.has(k)).length;
      if (live >= MAX_CUSTOM_TYPES) fail("LimitExceededException", `An account can have at most ${MAX_CUSTOM_TYPES} custom action types.`);
      const props = i.configurationProperties ?? [];
      const names = new Set<string>();
      for (const p of props) {
        if (names.has(p.name!)) fail("ValidationException", `The configuration property ${p.name} is declared twice.`);
        names.add(p.name!);
        if (p.queryable && (!p.required || p.secret))
          fail("ValidationException", `The queryable property ${p.name} must be required and not secret.`);
      }
      if (props.filter((p) => p.queryable).length > 1) fail("ValidationException", "A custom action type can have at most one queryable property.");
      const tags = svc.checkTags(i.tags);
      const actionType: M.ActionType = {
        id,
        settings: i.settings ? { ...i.settings } : undefined,
        actionConfigurationProperties: props.map((p) => ({ ...p, required: p.required ?? false, key: p.key ?? false, secret: p.secret ?? false })),
        inputArtifactDetails: { ...i.inputArtifactDetails! },
        outputArtifactDetails: { ...i.outputArtifactDetails! },
      };
      eng.customTypes.set(key, { actionType, arn: eng.arn(`actiontype:${key}`), tags });
      return { actionType: clone(actionType), tags: tags.length ? clone(tags) : undefined };
    },

    DeleteCustomActionType: (i: M.DeleteCustomActionTypeInput): object => {
      const key = typeKey({ category: i.category, owner: "Custom", provider: i.provider, version: i.version });
      if (eng.customTypes.has(key)) eng.deletedTypes.add(key);
      return {};
    },

    GetActionType: (i: M.GetActionTypeInput): M.GetActionTypeOutput => {
      const key = typeKey(i);
      const stored = eng.declarations.get(key);
      if (stored) return { actionType: clone(stored) };
      const t = eng.builtInTypes.get(key);
      if (!t) fail("ActionTypeNotFoundException", `The action type ${key} was not found.`);
      return { actionType: svc.declaration(t!) };
    },

    GetJobDetails: (i: M.GetJobDetailsInput): M.GetJobDetailsOutput => {
      const job = svc.customJob(i.jobId!);
      return { jobDetails: { id: job.id, data: eng.jobData(job), accountId: svc.accountId } };
    },

    GetThirdPartyJobDetails: (i: M.GetThirdPartyJobDetailsInput): M.GetThirdPartyJobDetailsOutput => {
      const job = svc.thirdPartyJob(i.jobId!, i.clientToken!);
      return { jobDetails: { id: job.id, data: eng.jobData(job), nonce: job.nonce } };
    },

    ListActionTypes: (i: M.ListActionTypesInput): M.ListActionTypesOutput => {
      const custom = [...eng.customTypes].filter(([k]) => !eng.deletedTypes.has(k)).map(([, t]) => t.actionType);
      const all = [...eng.builtInTypes.values(), ...custom].filter((t) => !i.actionOwnerFilter || t.id.owner === i.actionOwnerFilter);
      const pg = page("actiontypes", all, i.nextToken, 100);
      return { actionTypes: clone(pg.items), nextToken: pg.nextToken };
    },

    ListRuleTypes: (i: M.ListRuleTypesInput): M.ListRuleTypesOutput => ({
      ruleTypes: clone(eng.ruleTypes.filter((t) => !i.ruleOwnerFilter || t.id.owner === i.ruleOwnerFilter)),
    }),

    PollForJobs: (i: M.PollForJobsInput): M.PollForJobsOutput => {
      const id = i.actionTypeId!;
      if (id.owner !== "Custom") fail("ValidationException", `PollForJobs serves custom action types only; use PollForThirdPartyJobs for owner ${id.owner}.`);
      const key = typeKey(id);
      if (!eng.customTypes.has(key) || eng.deletedTypes.has(key)) fail("ActionTypeNotFoundException", `The action type ${key} was not found.`);
      const query = Object.entries(i.queryParam ?? {});
      const jobs = [...eng.jobs.values()].filter(
        (j) => j.owner === "Custom" && j.status === "Queued" && typeKey(j.run.decl.actionTypeId!) === key && query.every(([k, v]) => j.run.resolved[k] === v),
      );
      return {
        jobs: jobs.slice(0, i.maxBatchSize ?? 1).map((j) => {
          eng.dispatch(j);
          return { id: j.id, data: eng.jobData(j), nonce: j.nonce, accountId: svc.accountId };
        }),
      };
    },

    PollForThirdPartyJobs: (i: M.PollForThirdPartyJobsInput): M.PollForThirdPartyJobsOutput => {
      const id = i.actionTypeId!;
      if (id.owner !== "ThirdParty") fail("ValidationException", `PollForThirdPartyJobs serves third-party action types only; use PollForJobs for owner ${id.owner}.`);
      const key = typeKey(id);
      if (!eng.builtInTypes.has(key)) fail("ActionTypeNotFoundException", `The action type ${key} was not found.`);
      const jobs = [...eng.jobs.values()].filter((j) => j.owner === "ThirdParty" && j.status === "Queued" && typeKey(j.run.decl.actionTypeId!) === key);
      return {
        jobs: jobs.slice(0, i.maxBatchSize ?? 1).map((j) => {
          eng.dispatch(j);
          return { clientId: j.clientId, jobId: j.id };
        }),
      };
    },

    PutJobFailureResult: (i: M.PutJobFailureResultInput): object => {
      const job = svc.customJob(i.jobId!);
      svc.checkOpenJob(job);
      svc.jobFailure(job, i.failureDetails!);
      return {};
    },

    PutJobSuccessResult: (i: M.PutJobSuccessResultInput): object => {
      const job = svc.customJob(i.jobId!);
      svc.checkOpenJob(job);
      if (i.outputVariables && i.continuationToken)
        fail("ValidationException", "outputVariables can be given only with the final result, not with a continuation token.");
      if (i.outputVariables) {
        const size = Object.entries(i.outputVariables).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
        if (size > MAX_OUTPUT_VARIABLES_BYTES)
          fail("OutputVariablesSizeExceededException", `The output variables take ${size} bytes; the most an action may produce is ${MAX_OUTPUT_VARIABLES_BYTES}.`);
      }
      svc.jobSuccess(job, i, i.outputVariables);
      return {};
    },

    PutThirdPartyJobFailureResult: (i: M.PutThirdPartyJobFailureResultInput): object => {
      const job = svc.thirdPartyJob(i.jobId!, i.clientToken!);
      svc.checkOpenJob(job);
      svc.jobFailure(job, i.failureDetails!);
      return {};
    },

    PutThirdPartyJobSuccessResult: (i: M.PutThirdPartyJobSuccessResultInput): object => {
      const job = svc.thirdPartyJob(i.jobId!, i.clientToken!);
      svc.checkOpenJob(job);
      svc.jobSuccess(job, i);
      return {};
    },

    UpdateActionType: (i: M.UpdateActionTypeInput): object => {
      const d = i.actionType!;
      const id = d.id!;
      const key = typeKey(id);
      const t = eng.builtInTypes.get(key);
      if (!t) fail("ActionTypeNotFoundException", `The action type ${key} was not found.`);
      if (id.owner === "AWS") fail("RequestFailedException", `The action type ${key} is owned by AWS and cannot be updated.`);
      eng.declarations.set(key, clone(d));
      t!.inputArtifactDetails = { ...d.inputArtifactDetails! };
      t!.outputArtifactDetails = { ...d.outputArtifactDetails! };
      t!.actionConfigurationProperties = (d.properties ?? []).map((p) => ({
        name: p.name,
        required: !p.optional,
        key: p.key,
        secret: p.noEcho,
        queryable: p.queryable,
        description: p.description,
      }));
      return {};
    },
  };
}
