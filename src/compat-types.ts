/**
 * Type-only names the official client exports that have no runtime part here.
 */
import type * as Commands from "../commands/index.js";
import type { Command } from "./command.js";
import type { CodePipelineClientConfig, CodePipelineClientResolvedConfig } from "./config.js";

type AnyCommand = {
  [K in keyof typeof Commands]: (typeof Commands)[K] extends abstract new (...args: any) => infer C ? C : never;
}[keyof typeof Commands];

type InputOf<C> = C extends Command<infer I, any> ? I : never;
type OutputOf<C> = C extends Command<any, infer O> ? O : never;

/** The input of any CodePipeline command. */
export type ServiceInputTypes = InputOf<AnyCommand>;

/** The output of any CodePipeline command. */
export type ServiceOutputTypes = OutputOf<AnyCommand>;

/** Settings a runtime (Node, browsers) fills in when the client options leave them out. */
export interface ClientDefaults extends Partial<CodePipelineClientResolvedConfig> {}

/** The client options that feed the endpoint rules. */
export interface ClientInputEndpointParameters
  extends Pick<CodePipelineClientConfig, "region" | "useDualstackEndpoint" | "useFipsEndpoint" | "endpoint"> {}
