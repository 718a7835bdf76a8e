/**
 * The structural checks CodePipeline makes on a pipeline declaration beyond the model's
 * constraints, and the defaults it fills in.
 */
import type * as M from "../../models/index.js";
import type { Engine } from "./engine.js";
import { clone, fail } from "./util.js";

const MAX_STAGES = 50;
const MAX_ACTIONS_PER_STAGE = 50;

const describe = (id: M.ActionTypeId): string =>
  `(Category: '${id.category}', Provider: '${id.provider}', Owner: '${id.owner}', Version: '${id.version}')`;

/** A checked copy of `input` with defaults filled in, or the service's error for what is wrong. */
export function checkPipeline(engine: Engine, input: M.PipelineDeclaration, version: number): M.PipelineDeclaration {
  const decl = clone(input);
  decl.version = version;
  decl.pipelineType ??= "V1";
  decl.executionMode ??= "SUPERSEDED";
  const stages = decl.stages!;
  const v2 = decl.pipelineType === "V2";
  if (!v2 && decl.executionMode !== "SUPERSEDED")
    fail("InvalidStructureException", `Execution mode ${decl.executionMode} needs a V2 pipeline; set pipelineType to V2.`);
  if (!v2 && decl.variables?.length) fail("InvalidStructureException", "Pipeline variables need a V2 pipeline; set pipelineType to V2.");
  if (!v2 && decl.triggers?.length) fail("InvalidStructureException", "Triggers need a V2 pipeline; set pipelineType to V2.");
  if (decl.artifactStore && decl.artifactStores)
    fail("InvalidStructureException", "Give either artifactStore or artifactStores, not both.");
  if (!decl.artifactStore && !decl.artifactStores)
    fail("InvalidStructureException", "The pipeline needs an artifact store: give artifactStore (or artifactStores for cross-region actions).");
  if (stages.length < 2) fail("InvalidStructureException", `A pipeline needs at least 2 stages; this one has ${stages.length}.`);
  if (stages.length > MAX_STAGES) fail("LimitExceededException", `A pipeline can have at most ${MAX_STAGES} stages; this one has ${stages.length}.`);
  const variableNames = new Set<string>();
  for (const v of decl.variables ?? []) {
    if (variableNames.has(v.name!)) fail("InvalidStructureException", `The pipeline variable ${v.name} is declared twice.`);
    variableNames.add(v.name!);
  }

  const stageNames = new Set<string>();
  const produced = new Set<string>();
  const namespaces = new Set<string>();
  stages.forEach((stage, i) => {
    if (stageNames.has(stage.name!)) fail("InvalidStageDeclarationException", `Two stages are named ${stage.name}; stage names must be unique.`);
    stageNames.add(stage.name!);
    const actions = stage.actions!;
    if (!actions.length) fail("InvalidStageDeclarationException", `The stage ${stage.name} has no actions; a stage needs at least one.`);
    if (actions.length > MAX_ACTIONS_PER_STAGE)
      fail("LimitExceededException", `The stage ${stage.name} has ${actions.length} actions; a stage can have at most ${MAX_ACTIONS_PER_STAGE}.`);
    const blockers = new Set<string>();
    for (const b of stage.blockers ?? []) {
      if (blockers.has(b.name!)) fail("InvalidBlockerDeclarationException", `The stage ${stage.name} declares the blocker ${b.name} twice.`);
      blockers.add(b.name!);
    }
    if (!v2 && (stage.beforeEntry || stage.onSuccess || stage.onFailure?.conditions || stage.onFailure?.result === "RETRY"))
      fail("InvalidStageDeclarationException", `The stage ${stage.name} uses stage conditions or automatic retry, which need a V2 pipeline.`);
    for (const cond of [...(stage.beforeEntry?.conditions ?? []), ...(stage.onSuccess?.conditions ?? []), ...(stage.onFailure?.conditions ?? [])])
      for (const rule of cond.rules ?? []) {
        const id = rule.ruleTypeId!;
        const known = engine.ruleTypes.some((t) => t.id.provider === id.provider && (id.version ?? "1") === t.id.version);
        if (!known) fail("InvalidStageDeclarationException", `The rule ${rule.name} in stage ${stage.name} uses the rule type ${id.provider} (version ${id.version ?? "1"}), which does not exist.`);
      }

    const actionNames = new Set<string>();
    for (const a of actions) {
      a.runOrder ??= 1;
      a.inputArtifacts ??= [];
      a.outputArtifacts ??= [];
      if (actionNames.has(a.name!)) fail("InvalidActionDeclarationException", `Two actions in stage ${stage.name} are named ${a.name}.`);
      actionNames.add(a.name!);
      const id = a.actionTypeId!;
      const type = engine.actionType(id);
      if (!type) fail("InvalidActionDeclarationException", `ActionType ${describe(id)} in action '${a.name}' is not available.`);
      const source = id.category === "Source";
      if (i === 0 && !source)
        fail("InvalidStructureException", `The first stage (${stage.name}) may hold only source actions; ${a.name} is a ${id.category} action.`);
      if (i > 0 && source) fail("InvalidStructureException", `Source actions belong in the first stage; ${a.name} is in stage ${stage.name}.`);
      const inCount = a.inputArtifacts.length;
      const outCount = a.outputArtifacts.length;
      const inD = type!.inputArtifactDetails;
      const outD = type!.outputArtifactDetails;
      if (inCount < inD.minimumCount! || inCount > inD.maximumCount!)
        fail("InvalidActionDeclarationException", `Action '${a.name}' has ${inCount} input artifacts; its type takes ${inD.minimumCount} to ${inD.maximumCount}.`);
      if (outCount < outD.minimumCount! || outCount > outD.maximumCount!)
        fail("InvalidActionDeclarationException", `Action '${a.name}' has ${outCount} output artifacts; its type takes ${outD.minimumCount} to ${outD.maximumCount}.`);
      const config = a.configuration ?? {};
      const props = type!.actionConfigurationProperties ?? [];
      for (const p of props)
        if (p.required && config[p.name!] === undefined)
          fail("InvalidActionDeclarationException", `Action '${a.name}' is missing the required configuration property ${p.name}.`);
      if (id.owner === "Custom")
        for (const key of Object.keys(config))
          if (!props.some((p) => p.name === key))
            fail("InvalidActionDeclarationException", `Action '${a.name}' sets ${key}, which is not a configuration property of ${describe(id)}.`);
      if (a.namespace) {
        if (namespaces.has(a.namespace)) fail("InvalidActionDeclarationException", `The namespace ${a.namespace} is used by two actions.`);
        namespaces.add(a.namespace);
      }
    }
    // Inputs must come from an earlier stage or from an action of this stage with a lower run order.
    const orders = [...new Set(actions.map((a) => a.runOrder!))].sort((x, y) => x - y);
    for (const order of orders) {
      const group = actions.filter((a) => a.runOrder === order);
      for (const a of group)
        for (const art of a.inputArtifacts!)
          if (!produced.has(art.name!))
            fail("InvalidStructureException", `The input artifact ${art.name} of action '${a.name}' is not the output of an earlier action.`);
      for (const a of group)
        for (const art of a.outputArtifacts!) {
          if (produced.has(art.name!)) fail("InvalidStructureException", `Two actions produce an output artifact named ${art.name}.`);
          produced.add(art.name!);
        }
    }
  });
  for (const t of decl.triggers ?? []) {
    const src = t.gitConfiguration?.sourceActionName;
    const action = stages[0]?.actions?.find((a) => a.name === src);
    if (!action || action.actionTypeId?.provider !== "CodeStarSourceConnection")
      fail("InvalidStructureException", `The trigger names ${src}, which is not a CodeStarSourceConnection source action of this pipeline.`);
  }
  return decl;
}

/** A copy of the declaration with the values of secret configuration properties masked, as the service returns it. */
export function masked(engine: Engine, decl: M.PipelineDeclaration): M.PipelineDeclaration {
  const out = clone(decl);
  for (const stage of out.stages ?? [])
    for (const a of stage.actions ?? []) {
      const props = engine.actionType(a.actionTypeId)?.actionConfigurationProperties ?? [];
      for (const p of props) if (p.secret && a.configuration?.[p.name!] !== undefined) a.configuration[p.name!] = "****";
    }
  return out;
}
