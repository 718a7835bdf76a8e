/**
 * The action types and rule types the local endpoint knows without being told: the common AWS-owned
 * ones, the manual approval, and one third-party source. Configuration properties list the keys the
 * endpoint checks; the data is compact on purpose (name, then flags: r = required, k = key, s = secret,
 * q = queryable).
 */
import type * as M from "../../models/index.js";

type Prop = string; // "Name" or "Name:rks"

const props = (list: Prop[]): M.ActionConfigurationProperty[] =>
  list.map((p) => {
    const [name, flags = ""] = p.split(":") as [string, string?];
    return {
      name,
      required: flags.includes("r"),
      key: flags.includes("k") || flags.includes("r"),
      secret: flags.includes("s"),
      queryable: flags.includes("q"),
      type: "String",
    };
  });

const actionType = (
  category: M.ActionCategory,
  owner: M.ActionOwner,
  provider: string,
  io: [number, number, number, number],
  list: Prop[],
): M.ActionType => ({
  id: { category, owner, provider, version: "1" },
  settings: { entityUrlTemplate: `https://console.aws.amazon.com/codesuite/${provider.toLowerCase()}` },
  actionConfigurationProperties: props(list),
  inputArtifactDetails: { minimumCount: io[0], maximumCount: io[1] },
  outputArtifactDetails: { minimumCount: io[2], maximumCount: io[3] },
});

/** Built-in action types, created on first use. */
export function builtInActionTypes(): M.ActionType[] {
  return [
    actionType("Source", "AWS", "S3", [0, 0, 1, 1], ["S3Bucket:r", "S3ObjectKey:r", "PollForSourceChanges", "AllowOverrideForS3ObjectKey"]),
    actionType("Source", "AWS", "CodeCommit", [0, 0, 1, 1], ["RepositoryName:r", "BranchName:r", "PollForSourceChanges", "OutputArtifactFormat"]),
    actionType("Source", "AWS", "CodeStarSourceConnection", [0, 0, 1, 1], [
      "ConnectionArn:r",
      "FullRepositoryId:r",
      "BranchName:r",
      "OutputArtifactFormat",
      "DetectChanges",
    ]),
    actionType("Source", "AWS", "ECR", [0, 0, 1, 1], ["RepositoryName:r", "ImageTag"]),
    actionType("Source", "ThirdParty", "GitHub", [0, 0, 1, 1], ["Owner:r", "Repo:r", "Branch:r", "OAuthToken:rs", "PollForSourceChanges"]),
    actionType("Build", "AWS", "CodeBuild", [1, 5, 0, 5], ["ProjectName:r", "PrimarySource", "BatchEnabled", "CombineArtifacts", "EnvironmentVariables"]),
    actionType("Build", "AWS", "ECRBuildAndPublish", [1, 1, 0, 0], ["ECRRepositoryName:r", "DockerFilePath", "ImageTags"]),
    actionType("Test", "AWS", "CodeBuild", [1, 5, 0, 5], ["ProjectName:r", "PrimarySource", "BatchEnabled", "CombineArtifacts", "EnvironmentVariables"]),
    actionType("Test", "AWS", "DeviceFarm", [1, 1, 0, 0], ["ProjectId:r", "AppType:r", "DevicePoolArn:r", "TestType:r", "App", "Test"]),
    actionType("Compute", "AWS", "Commands", [1, 5, 0, 1], []),
    actionType("Deploy", "AWS", "S3", [1, 1, 0, 0], ["BucketName:r", "Extract:r", "ObjectKey", "KMSEncryptionKeyARN", "CannedACL", "CacheControl"]),
    actionType("Deploy", "AWS", "CodeDeploy", [1, 1, 0, 0], ["ApplicationName:r", "DeploymentGroupName:r"]),
    actionType("Deploy", "AWS", "CodeDeployToECS", [1, 3, 0, 0], [
      "ApplicationName:r",
      "DeploymentGroupName:r",
      "TaskDefinitionTemplateArtifact:r",
      "AppSpecTemplateArtifact:r",
      "TaskDefinitionTemplatePath",
      "AppSpecTemplatePath",
      "Image1ArtifactName",
      "Image1ContainerName",
    ]),
    actionType("Deploy", "AWS", "CloudFormation", [0, 5, 0, 1], [
      "ActionMode:r",
      "StackName:r",
      "TemplatePath",
      "TemplateConfiguration",
      "Capabilities",
      "RoleArn",
      "ParameterOverrides",
      "ChangeSetName",
      "OutputFileName",
    ]),
    actionType("Deploy", "AWS", "ECS", [1, 1, 0, 0], ["ClusterName:r", "ServiceName:r", "FileName", "DeploymentTimeout"]),
    actionType("Deploy", "AWS", "EC2", [1, 1, 0, 0], ["InstanceTagKey:r", "InstanceTagValue", "InstanceType", "TargetDirectory", "MaxBatch", "MaxError"]),
    actionType("Deploy", "AWS", "ElasticBeanstalk", [1, 1, 0, 0], ["ApplicationName:r", "EnvironmentName:r"]),
    actionType("Deploy", "AWS", "EKS", [1, 1, 0, 0], ["ClusterName:r", "ManifestFiles", "HelmChartLocation", "Namespace"]),
    actionType("Approval", "AWS", "Manual", [0, 0, 0, 0], ["NotificationArn", "CustomData", "ExternalEntityLink"]),
    actionType("Invoke", "AWS", "Lambda", [0, 5, 0, 5], ["FunctionName:r", "UserParameters"]),
    actionType("Invoke", "AWS", "StepFunctions", [0, 1, 0, 1], ["StateMachineArn:r", "ExecutionNamePrefix", "InputType", "Input"]),
  ];
}

/** Built-in rule types, for stage conditions. */
export function builtInRuleTypes(): M.RuleType[] {
  const rule = (provider: string, list: Prop[], inputs = 0): M.RuleType => ({
    id: { category: "Rule", owner: "AWS", provider, version: "1" },
    ruleConfigurationProperties: props(list).map((p) => ({ ...p, name: p.name!, required: !!p.required, key: !!p.key, secret: !!p.secret })),
    inputArtifactDetails: { minimumCount: 0, maximumCount: inputs },
  });
  return [
    rule("CloudWatchAlarm", ["AlarmName:r", "WaitTime"]),
    rule("DeploymentWindow", ["Cron:r", "TimeZone"]),
    rule("LambdaInvoke", ["FunctionName:r", "UserParameters"], 5),
    rule("VariableCheck", ["Variable:r", "Value:r", "Operator:r"]),
    rule("Commands", [], 5),
  ];
}
