export { CodePipelineClient } from "./client.js";
export { CodePipeline } from "./generated/CodePipeline.js";
export * from "../commands/index.js";
export * from "../models/index.js";
export * from "./generated/paginators.js";
export { CodePipelineServiceException, type ServiceExceptionOptions } from "./exception.js";
export { Command, Command as $Command } from "./command.js";
export { ConfigurationError, CredentialsProviderError, TimeoutError, AbortError, NetworkError, DeserializationError, InputError } from "./errors.js";
export { StandardRetryStrategy, type StandardRetryStrategyOptions } from "./retry/strategy.js";
export { constructStack } from "./middleware/stack.js";
export type { CodePipelinePaginationConfiguration } from "./pagination.js";
export type {
  CodePipelineClientConfig,
  CodePipelineClientConfigType,
  CodePipelineClientResolvedConfig,
  CodePipelineClientResolvedConfigType,
  CodePipelineExtensionConfiguration,
  RuntimeExtension,
  SendOptions,
  SendOptions as CodePipelineRequestOptions,
  Callback,
  HttpHandler,
  RetryMode,
} from "./config.js";
export type { EndpointParameters } from "./endpoints.js";
export type { MetadataBearer as __MetadataBearer } from "@smithy/types";
export type { ClientDefaults, ClientInputEndpointParameters, ServiceInputTypes, ServiceOutputTypes } from "./compat-types.js";
export * from "./helpers/index.js";
