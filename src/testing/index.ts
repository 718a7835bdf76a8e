/**
 * `codepipeline-client/testing`: a stubber for testing code that uses the client, without AWS.
 *
 * ```ts
 * import { createStubber } from "codepipeline-client/testing";
 * const stubber = createStubber(client);
 * stubber.expect(ListPipelinesCommand).resolves({ pipelines: [{ name: "app" }] });
 * ```
 */
export {
  createStubber,
  StubberError,
  ANY,
  type Stubber,
  type StubberOptions,
  type StubbableClient,
  type Expectation,
  type ExpectedInput,
  type StubOutput,
  type StubErrorDetails,
  type StubbedCall,
  type CommandClass,
  type Matcher,
} from "./stubber.js";
