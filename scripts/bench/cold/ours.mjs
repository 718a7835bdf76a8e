// Cold start: import this package and construct a client, nothing else.
import { CodePipelineClient } from "codepipeline-client";
new CodePipelineClient({ region: "us-east-1" });
