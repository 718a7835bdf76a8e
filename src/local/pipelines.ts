/** Operations on pipeline declarations, stage transitions and resource tags. */
import type * as M from "../../models/index.js";
import { checkPipeline, masked } from "./declaration.js";
import type { Handlers, LocalService } from "./service.js";
import { clone, fail, page } from "./util.js";
import { stageState } from "./views.js";

export function pipelineHandlers(svc: LocalService): Handlers {
  const eng = svc.engine;
  return {
    CreatePipeline: (i: M.CreatePipelineInput): M.CreatePipelineOutput => {
      const name = i.pipeline!.name!;
      if (eng.pipelines.has(name)) fail("PipelineNameInUseException", `A pipeline named ${name} already exists in account ${svc.accountId}.`);
      const decl = checkPipeline(eng, i.pipeline!, 1);
      const tags = svc.checkTags(i.tags);
      eng.addPipeline(decl, tags);
      return { pipeline: masked(eng, decl), tags: tags.length ? clone(tags) : undefined };
    },

    DeletePipeline: (i: M.DeletePipelineInput): object => {
      const p = eng.pipelines.get(i.name!);
      if (p) eng.deletePipeline(p);
      return {};
    },

    DisableStageTransition: (i: M.DisableStageTransitionInput): object => {
      eng.setTransition(eng.pipeline(i.pipelineName!), i.stageName!, i.transitionType!, false, i.reason);
      return {};
    },

    EnableStageTransition: (i: M.EnableStageTransitionInput): object => {
      eng.setTransition(eng.pipeline(i.pipelineName!), i.stageName!, i.transitionType!, true);
      return {};
    },

    GetPipeline: (i: M.GetPipelineInput): M.GetPipelineOutput => {
      const p = eng.pipeline(i.name!);
      const decl = i.version === undefined ? p.decl : p.versions[i.version - 1];
      if (!decl) fail("PipelineVersionNotFoundException", `The pipeline ${p.name} has no version ${i.version}; the latest is ${p.decl.version}.`);
      return { pipeline: masked(eng, decl!), metadata: { pipelineArn: p.arn, created: p.created, updated: p.updated } };
    },

    GetPipelineState: (i: M.GetPipelineStateInput): M.GetPipelineStateOutput => {
      const p = eng.pipeline(i.name!);
      return {
        pipelineName: p.name,
        pipelineVersion: p.decl.version,
        stageStates: p.decl.stages!.map((s) => stageState(eng, p, s)),
        created: p.created,
        updated: p.updated,
      };
    },

    ListPipelines: (i: M.ListPipelinesInput): M.ListPipelinesOutput => {
      const list = [...eng.pipelines.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const pg = page("pipelines", list, i.nextToken, i.maxResults ?? 1000);
      return {
        pipelines: pg.items.map((p) => ({
          name: p.name,
          version: p.decl.version,
          pipelineType: p.decl.pipelineType,
          executionMode: p.decl.executionMode,
          created: p.created,
          updated: p.updated,
        })),
        nextToken: pg.nextToken,
      };
    },

    ListTagsForResource: (i: M.ListTagsForResourceInput): M.ListTagsForResourceOutput => {
      const r = svc.resource(i.resourceArn!);
      const pg = page(`tags:${i.resourceArn}`, r.tags, i.nextToken, i.maxResults ?? 100);
      return { tags: clone(pg.items), nextToken: pg.nextToken };
    },

    TagResource: (i: M.TagResourceInput): M.TagResourceOutput => {
      const r = svc.resource(i.resourceArn!);
      r.tags = svc.checkTags(i.tags, r.tags);
      return {};
    },

    UntagResource: (i: M.UntagResourceInput): M.UntagResourceOutput => {
      const r = svc.resource(i.resourceArn!);
      for (const k of i.tagKeys!) if (k.toLowerCase().startsWith("aws:")) fail("InvalidTagsException", `The tag key ${k} is reserved and cannot be removed.`);
      r.tags = r.tags.filter((t) => !i.tagKeys!.includes(t.key!));
      return {};
    },

    UpdatePipeline: (i: M.UpdatePipelineInput): M.UpdatePipelineOutput => {
      const p = eng.pipeline(i.pipeline!.name!);
      const decl = checkPipeline(eng, i.pipeline!, p.decl.version! + 1);
      p.decl = decl;
      p.versions.push(decl);
      p.updated = new Date();
      return { pipeline: masked(eng, decl) };
    },
  };
}
