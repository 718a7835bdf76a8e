/**
 * Strict type checks over the public types, compiled by `tsc -p test/tsconfig.json`
 * (never run). Each `@ts-expect-error` line proves a wrong use fails to compile: if the
 * types grew too loose, the unused directive would itself be an error.
 */
import type { BuildMiddleware, MiddlewareStack, Pluggable, ResponseMetadata } from "@smithy/types";
import {
  ActionCategory,
  CodePipeline,
  CodePipelineClient,
  CodePipelineServiceException,
  GetPipelineCommand,
  ListActionTypesCommand,
  ListPipelinesCommand,
  PipelineExecutionStatus,
  PipelineNotFoundException,
  StartPipelineExecutionCommand,
  ValidationException,
  type ActionType,
  type CodePipelineClientConfig,
  type CreateCustomActionTypeCommandOutput,
  type GetPipelineCommandInput,
  type GetPipelineCommandOutput,
  type ListActionTypesCommandOutput,
  type ListPipelinesCommandInput,
  type ListPipelinesCommandOutput,
  type ListRuleTypesCommandOutput,
  type PipelineDeclaration,
  type PipelineSummary,
  type RollbackStageCommandOutput,
  type RuleType,
  type StartPipelineExecutionCommandOutput,
} from "../../src/index.js";

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
declare function assertType<T extends true>(): void;
declare const client: CodePipelineClient;
declare const cp: CodePipeline;

// ---- outputs: members the model marks required are not optional; the rest are
assertType<Equals<ListActionTypesCommandOutput["actionTypes"], ActionType[]>>();
assertType<Equals<ListRuleTypesCommandOutput["ruleTypes"], RuleType[]>>();
assertType<Equals<RollbackStageCommandOutput["pipelineExecutionId"], string>>();
assertType<Equals<CreateCustomActionTypeCommandOutput["actionType"], ActionType>>();
assertType<Equals<ListPipelinesCommandOutput["pipelines"], PipelineSummary[] | undefined>>();
assertType<Equals<GetPipelineCommandOutput["pipeline"], PipelineDeclaration | undefined>>();
// every output carries $metadata
assertType<Equals<ListPipelinesCommandOutput["$metadata"], ResponseMetadata>>();
assertType<Equals<StartPipelineExecutionCommandOutput["$metadata"], ResponseMetadata>>();
async function readRequired(out: ListActionTypesCommandOutput) {
  const n: number = out.actionTypes.length; // no `?.` needed
  // @ts-expect-error optional members need a check
  const t: string = out.nextToken;
  return [n, t];
}

// ---- inputs: required members must be present, unknown members and wrong types fail
const okInput: GetPipelineCommandInput = { name: "p", version: 1 };
// @ts-expect-error name is required
const missing: GetPipelineCommandInput = { version: 1 };
// @ts-expect-error version is a number
const wrongType: GetPipelineCommandInput = { name: "p", version: "1" };
// @ts-expect-error no such member
const unknownMember: ListPipelinesCommandInput = { nextToken: "t", pageSize: 3 };
// @ts-expect-error the command needs its input
new GetPipelineCommand();
new ListPipelinesCommand({});

// ---- enums: a const object and a same-named union of string literals
assertType<Equals<ActionCategory, "Approval" | "Build" | "Compute" | "Deploy" | "Invoke" | "Source" | "Test">>();
const category: ActionCategory = ActionCategory.Deploy;
const literal: ActionCategory = "Build";
// @ts-expect-error not one of the values
const notAValue: ActionCategory = "Nope";
assertType<Equals<typeof PipelineExecutionStatus.Succeeded, "Succeeded">>();

// ---- send overloads
async function sendForms(signal: AbortSignal) {
  const out = await client.send(new ListPipelinesCommand({}));
  assertType<Equals<typeof out, ListPipelinesCommandOutput>>();
  const got = await client.send(new GetPipelineCommand({ name: "p" }), { abortSignal: signal, requestTimeout: 5_000 });
  assertType<Equals<typeof got, GetPipelineCommandOutput>>();
  const returned = client.send(new ListActionTypesCommand({}), (err, data) => {
    assertType<Equals<typeof data, ListActionTypesCommandOutput | undefined>>();
    if (err) throw err;
  });
  assertType<Equals<typeof returned, void>>();
  client.send(new StartPipelineExecutionCommand({ name: "p" }), { requestTimeout: 1 }, (_err, data) => data?.pipelineExecutionId);
  // @ts-expect-error options must be an object
  client.send(new ListPipelinesCommand({}), "fast", () => {});
  // @ts-expect-error only commands can be sent
  client.send({ input: {} });
  // @ts-expect-error the callback gets this command's output, which lacks the required actionTypes
  client.send(new ListPipelinesCommand({}), (_err: unknown, data?: ListActionTypesCommandOutput) => data);
  return [out, got];
}

// ---- the aggregated client: promise, callback, options + callback, and () for operations without required input
async function aggregated() {
  const a = await cp.listPipelines();
  assertType<Equals<typeof a, ListPipelinesCommandOutput>>();
  const b = await cp.getPipeline({ name: "p" }, { requestTimeout: 1 });
  assertType<Equals<typeof b, GetPipelineCommandOutput>>();
  cp.getPipeline({ name: "p" }, (err, data) => data?.pipeline?.name);
  cp.getPipeline({ name: "p" }, {}, (err, data) => data?.metadata);
  // @ts-expect-error getPipeline has a required member, so it takes input
  await cp.getPipeline();
  // @ts-expect-error no such operation
  cp.getPipelines;
  const asClient: CodePipelineClient = cp;
  return [a, b, asClient];
}

// ---- errors: literal names and faults, all extending CodePipelineServiceException
function errors(e: unknown) {
  if (e instanceof PipelineNotFoundException) {
    assertType<Equals<typeof e.name, "PipelineNotFoundException">>();
    assertType<Equals<typeof e.$fault, "client">>();
    const base: CodePipelineServiceException = e;
    const status: number | undefined = e.$metadata.httpStatusCode;
    return [base, status];
  }
  if (e instanceof CodePipelineServiceException) {
    const name: string = e.name;
    const fault: "client" | "server" = e.$fault;
    return [name, fault, e.$response?.statusCode];
  }
  const v = new ValidationException({ message: "m", $metadata: {} });
  // @ts-expect-error name is a literal type
  const wrong: "PipelineNotFoundException" = v.name;
  return [v, wrong];
}

// ---- config and middleware
const config: CodePipelineClientConfig = {
  region: "eu-west-1",
  credentials: { accessKeyId: "a", secretAccessKey: "b" },
  maxAttempts: 5,
  endpoint: "http://127.0.0.1:4566",
  customUserAgent: [["app", "1.0"]],
};
// @ts-expect-error maxAttempts is a number
const badConfig: CodePipelineClientConfig = { maxAttempts: "3" };

const stack: MiddlewareStack<any, any> = client.middlewareStack;
stack.add((next, context) => async (args) => {
  const name: string | undefined = context.commandName;
  return next(args);
}, { step: "build", priority: "high", name: "mine", tags: ["MINE"] });
// as with v3, a relative middleware needs its type: the stack cannot tell its step
const passThrough: BuildMiddleware<any, any> = (next) => next;
stack.addRelativeTo(passThrough, { relation: "before", toMiddleware: "httpSigningMiddleware", name: "beforeSign" });
// @ts-expect-error no such step
stack.add(passThrough, { step: "send" });
// @ts-expect-error relation is before or after
stack.addRelativeTo(passThrough, { relation: "around", toMiddleware: "x" });
const plugin: Pluggable<any, any> = { applyToStack: (s) => s.add((next) => next, { step: "initialize" }) };
stack.use(plugin);
new ListPipelinesCommand({}).middlewareStack.add((next) => next, { step: "serialize" });

export const used = [readRequired, okInput, missing, wrongType, unknownMember, category, literal, notAValue, sendForms, aggregated, errors, config, badConfig];
