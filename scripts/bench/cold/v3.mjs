// Cold start: import @aws-sdk/client-codepipeline and construct a client, nothing else.
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
new CodePipelineClient({ region: "us-east-1" });
