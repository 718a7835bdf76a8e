import { CodePipelineClient, ListPipelinesCommand } from "/work/main/dist/browser/index.js";
export const list = (config) => new CodePipelineClient(config).send(new ListPipelinesCommand({}));
