/**
 * A stubber for tests, in the spirit of boto3's: queue the calls you expect, in order, with the
 * response each one gets. The client's own serializer and deserializer still run: the stubber sits
 * where the HTTP request would be sent and answers with an HTTP response built from the stub, so
 * outputs come back exactly as the service's would (Dates, `$metadata`, typed exceptions).
 * Retry, signing and the network are left out: the client needs a region (any region), but no
 * credentials and no network.
 */
import type { Handler, HttpRequest, HttpResponse, MetadataBearer, MiddlewareStack } from "@smithy/types";
import { operations, shapes } from "../generated/shapes.js";
import { findProblems, suggest, type ValidateOptions } from "../validation/validate.js";
import { CONTENT_TYPE } from "../generated/service.js";
import { bullets, diff, isMatcher, plain, show, type Matcher } from "./mismatch-report.js";

export type { Matcher };

/** Thrown (or rejected) when a call or a stub does not match what the test declared. */
export class StubberError extends Error {
  /** Always `"StubberError"`. */
  override readonly name = "StubberError";
}

/** Anything the stubber can take as a command: a command class, e.g. `GetPipelineCommand`. */
export type CommandClass<I extends object = any, O extends MetadataBearer = any> = new (input: I) => {
  /** The input the command was built with. */
  readonly input: I;
  /** Facts about the operation the command calls. */
  readonly op: {
    /** The operation name, e.g. `GetPipeline`. */
    readonly name: string;
  };
  /** Builds the handler that runs the command through a client's middleware stack. */
  resolveMiddleware(stack: any, config: any, options: any): Handler<I, O>;
};

/** Matches any value, present or not (like boto3's `stub.ANY`). */
export const ANY: any = {
  asymmetricMatch: () => true,
  toString: () => "ANY",
  toJSON: () => "<ANY>",
};

type Stubbable<T> = T extends Date | Uint8Array
  ? T
  : T extends (infer U)[]
    ? Stubbable<U>[]
    : T extends object
      ? { [K in keyof T]?: Stubbable<T[K]> }
      : T;

/** What `expect()` takes as the expected input: the input, where any value may be a matcher. */
export type ExpectedInput<T> =
  | Matcher
  | (T extends Date | Uint8Array
      ? T
      : T extends (infer U)[]
        ? ExpectedInput<U>[]
        : T extends object
          ? { [K in keyof T]: ExpectedInput<T[K]> }
          : T);

/** The stubbed output of an operation: any part of it (without `$metadata`). */
export type StubOutput<O> = Stubbable<Omit<O, "$metadata">>;

/** Details of a stubbed service error. */
export interface StubErrorDetails {
  /** The error message (default: `"Stubbed <name>"`). */
  message?: string;
  /** The HTTP status (default: the model's status for the error, else 400). */
  statusCode?: number;
  /** Other members of the error body. */
  [member: string]: unknown;
}

export interface Expectation<O> {
  /** The call succeeds with this output; it is checked against the model now. */
  resolves(output?: StubOutput<O>): Stubber;
  /**
   * The call fails. With an error name (`"PipelineNotFoundException"`) or an error of a modeled
   * class, the service's error response is deserialized, so the typed exception is thrown. Any
   * other `Error` is thrown as it is, as if the request itself failed (e.g. a network error).
   */
  rejects(error: string | Error, details?: StubErrorDetails): Stubber;
}

/** One call the client made while stubbed. */
export interface StubbedCall {
  /** The command's name, e.g. `GetPipelineCommand`. */
  command: string;
  /** The input as given to the command. */
  input: unknown;
  /** The JSON body the serializer produced, parsed (undefined when the call failed before it). */
  body?: unknown;
}

export interface StubberOptions {
  /**
   * Check each input the code sends against the model before answering: required members, types
   * and enum values (and, with `strict`, lengths, ranges and patterns). Default true.
   */
  validateInputs?: boolean;
  /**
   * Check everything the model says (default false). By default stubbed outputs and expected inputs
   * need members that exist in the model, with the right types and enum values, and stubbed outputs
   * may leave out required members; test data such as `jobId: "job-1"` need not match the service's
   * patterns. With `strict: true`, stubbed outputs need every required member, and lengths, ranges
   * and patterns are checked in outputs, expected inputs and actual inputs.
   */
  strict?: boolean;
}

export interface Stubber {
  /** Queues the next expected call. Without `expectedInput`, any input matches. */
  expect<I extends object, O extends MetadataBearer>(
    command: CommandClass<I, O>,
    expectedInput?: ExpectedInput<I>,
  ): Expectation<O>;
  /** Fails when an expected call was not made, or when a call failed the stubber (even if the code caught that). */
  assertDone(): void;
  /** Removes the stubber from the client: calls are sent for real again. */
  restore(): void;
  /** Forgets the queued calls, the calls made and the failures. */
  reset(): void;
  /** The calls made so far, in order. */
  readonly calls: readonly StubbedCall[];
  /** How many queued calls have not been made yet. */
  readonly pending: number;
}

interface Queued {
  op: string;
  input?: unknown;
  hasInput: boolean;
  respond?: (request: HttpRequest, requestId: string) => HttpResponse;
}

const MIDDLEWARE = "stubberMiddleware";
/** The validation plugin's middleware (codepipeline-client/validation). */
const VALIDATION = "inputValidationMiddleware";
/** Middleware the stubber leaves out of a stubbed call (signing sits relative to retry and goes with it). */
const SKIPPED = ["retryMiddleware", "httpSigningMiddleware"];

/** A client: `CodePipelineClient`, the aggregated `CodePipeline`, or anything with their middleware stack. */
export interface StubbableClient {
  /** The stack the stubber adds its middleware to. */
  readonly middlewareStack: MiddlewareStack<any, any>;
}

/**
 * Stubs the calls of `client` until `restore()`.
 *
 * ```ts
 * const stubber = createStubber(client);
 * stubber.expect(GetPipelineCommand, { name: "app" }).resolves({ pipeline: { name: "app", version: 3 } });
 * await client.send(new GetPipelineCommand({ name: "app" }));
 * stubber.assertDone();
 * ```
 */
export function createStubber(client: StubbableClient, options: StubberOptions = {}): Stubber {
  const queue: Queued[] = [];
  const calls: StubbedCall[] = [];
  const failures: string[] = [];
  const validateInputs = options.validateInputs !== false;
  const strict = options.strict === true;
  const outputChecks: ValidateOptions = { unknownMembers: true, required: strict, constraints: strict };

  const fail = (message: string, record = true): never => {
    if (record) failures.push(message);
    throw new StubberError(message);
  };

  const middleware = (_next: unknown, context: any) => async (args: any) => {
    const op: string = context?.operation?.name ?? String(context?.commandName ?? "").replace(/Command$/, "");
    const input = args?.input ?? {};
    const call: StubbedCall = { command: op + "Command", input };
    calls.push(call);
    const n = calls.length;
    const expected = queue[0];
    const made = `${op}Command (call ${n}) with input ${show(input, operations[op]?.input)}`;
    if (!expected) fail(`Unexpected call: ${made}. No more calls were expected.`);
    if (expected!.op !== op)
      fail(`Unexpected call: ${made}. Expected ${describe(expected!)} instead (${queue.length} call${queue.length === 1 ? "" : "s"} still expected).`);
    queue.shift();
    const info = operations[op]!;
    if (expected!.hasInput) {
      const diffs: string[] = [];
      diff(expected!.input, input, "", info.input, false, diffs);
      if (diffs.length) fail(`Input of ${op}Command (call ${n}) does not match the expected input:\n${bullets(diffs)}`);
    }
    // Which middleware the client has; with the validation plugin on, its error is the one to see.
    const own = client.middlewareStack.identify().map((entry) => entry.split(" - ")[0]!);
    if (validateInputs && info.input && !own.includes(VALIDATION)) {
      const problems = findProblems(info.input, input, "", { constraints: strict });
      if (problems.length)
        fail(`${op}Command (call ${n}) was called with an input that does not match the model:\n${bullets(problems.map((p) => `${p.path || "input"}: ${p.message}`))}`);
    }
    if (!expected!.respond) fail(`The expected call ${op}Command (call ${n}) has no response: finish expect() with .resolves() or .rejects().`);

    // The client's own stack, without what already ran (up to this middleware) and what must not run here.
    let stack = client.middlewareStack.clone();
    if (args?.hasOwnMiddleware === true && args.middlewareStack) stack = stack.concat(args.middlewareStack);
    for (const name of [MIDDLEWARE, ...own.slice(0, own.indexOf(MIDDLEWARE)), ...SKIPPED]) if (name !== "anonymous") stack.remove(name);
    const transport = async ({ request }: { request: HttpRequest }) => {
      try {
        call.body = JSON.parse(String(request.body ?? "{}"));
      } catch {
        fail(`The serializer produced a body that is not JSON for ${op}Command (call ${n}).`);
      }
      return { response: expected!.respond!(request, `stubbed-request-${n}`) };
    };
    try {
      const result = await stack.resolve(transport as any, context)(args);
      if (result?.output?.$metadata) Object.assign(result.output.$metadata, { attempts: 1, totalRetryDelay: 0 });
      return result;
    } catch (err: any) {
      if (err?.name === "ConfigurationError" && /region/i.test(String(err.message)) && call.body === undefined)
        fail(`${op}Command (call ${n}) could not be serialized: the client needs a region, even when stubbed (any region will do). ${err.message}`);
      if (err && typeof err === "object" && err.name !== "StubberError" && err.$metadata && err.$metadata.attempts === undefined)
        Object.assign(err.$metadata, { attempts: 1, totalRetryDelay: 0 });
      throw err;
    }
  };

  try {
    client.middlewareStack.add(middleware as any, { step: "initialize", priority: "high", name: MIDDLEWARE, tags: ["STUBBER"] });
  } catch {
    fail("This client is already stubbed: call restore() on its stubber first.", false);
  }

  const stubber: Stubber = {
    expect(command, expectedInput) {
      const op = operationOf(command);
      const info = operations[op];
      if (!info) fail(`${String(op)} is not a CodePipeline operation.`, false);
      const entry: Queued = { op, input: expectedInput, hasInput: expectedInput !== undefined };
      if (entry.hasInput && info!.input) {
        const problems = findProblems(info!.input, expectedInput, "", { unknownMembers: true, required: false, constraints: strict, accept: isMatcher });
        if (problems.length) fail(`The expected input of ${op}Command does not match the model:\n${bullets(problems.map((p) => `${p.path || "input"}: ${p.message}`))}`, false);
      }
      queue.push(entry);
      /** Sets the response; a stub that breaks the model is not queued. */
      const answer = (make: () => Queued["respond"]): Stubber => {
        try {
          entry.respond = make();
        } catch (e) {
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          throw e;
        }
        return stubber;
      };
      return {
        resolves: (output) => answer(() => stubOutput(op, output, outputChecks)),
        rejects: (error, details) => answer(() => stubError(op, error, details)),
      };
    },
    assertDone() {
      if (failures.length) fail(`The stubber failed ${failures.length === 1 ? "a call" : `${failures.length} calls`}:\n${bullets(failures)}`, false);
      if (queue.length)
        fail(`${queue.length} expected call${queue.length === 1 ? " was" : "s were"} not made:\n${bullets(queue.map(describe))}`, false);
    },
    restore() {
      client.middlewareStack.remove(MIDDLEWARE);
    },
    reset() {
      queue.length = 0;
      calls.length = 0;
      failures.length = 0;
    },
    get calls() {
      return calls;
    },
    get pending() {
      return queue.length;
    },
  };
  return stubber;
}

/** The operation name of a command class (or instance, or a name). */
function operationOf(command: unknown): string {
  if (typeof command === "string") return command.replace(/Command$/, "");
  const op = (command as { op?: { name?: string } })?.op ?? (typeof command === "function" ? new (command as any)({})?.op : undefined);
  if (typeof op?.name !== "string") throw new StubberError(`expect() takes a command class such as GetPipelineCommand, got ${typeof command}`);
  return op.name;
}

const describe = (q: Queued): string =>
  `${q.op}Command${q.hasInput ? ` with input ${show(q.input, operations[q.op]?.input)}` : " (any input)"}${q.respond ? "" : " (no response given)"}`;

const encoder = /* @__PURE__ */ new TextEncoder();

function response(statusCode: number, body: unknown, requestId: string): HttpResponse {
  const text = JSON.stringify(body, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
  return {
    statusCode,
    headers: { "content-type": CONTENT_TYPE, "x-amzn-requestid": requestId, "content-length": String(encoder.encode(text).length) },
    body: encoder.encode(text),
  } as HttpResponse;
}

/** The responder of `.resolves(output)`, after checking the output against the model. */
function stubOutput(op: string, output: unknown, checks: ValidateOptions): Queued["respond"] {
  const info = operations[op]!;
  const body = plain(output) ? { ...output } : output;
  if (plain(body)) delete body.$metadata;
  if (!info.output) {
    if (body !== undefined && !(plain(body) && Object.keys(body).length === 0))
      throw new StubberError(`${op} returns no output, so .resolves() takes nothing, got ${show(body)}.`);
  } else if (body !== undefined) {
    const problems = findProblems(info.output, body, "", checks);
    if (problems.length)
      throw new StubberError(`The stubbed output of ${op}Command does not match the model:\n${bullets(problems.map((p) => `${p.path || "output"}: ${p.message}`))}`);
  }
  return (_request, requestId) => response(200, body ?? {}, requestId);
}

/** The responder of `.rejects(error)`, after checking the error against the operation's model. */
function stubError(op: string, error: string | Error, details: StubErrorDetails = {}): Queued["respond"] {
  if (error instanceof Error && !(shapes[error.name]?.k === "structure" && (shapes[error.name] as { error?: string }).error)) {
    return () => {
      throw error;
    };
  }
  const name = typeof error === "string" ? error : error.name;
  if (typeof name !== "string" || !name) throw new StubberError(`.rejects() takes an error name or an Error, got ${show(error)}.`);
  const declared = operations[op]!.errors;
  const shape = shapes[name];
  const modeled = shape?.k === "structure" && shape.error !== undefined;
  if (modeled && !declared.includes(name))
    throw new StubberError(`${op} cannot fail with ${name}: the model gives it ${declared.join(", ")}.`);
  if (!modeled) {
    const near = suggest(name, declared);
    if (near) throw new StubberError(`${name} is not an error of the CodePipeline model; did you mean ${near}?`);
  }
  const { message: givenMessage, statusCode, ...members } = details;
  const fromError = error instanceof Error ? { ...error } : {};
  for (const k of ["name", "$fault", "$metadata", "$retryable", "$response", "message", "stack"]) delete (fromError as Record<string, unknown>)[k];
  const extra = { ...fromError, ...members };
  const message = givenMessage ?? (error instanceof Error && error.message ? error.message : `Stubbed ${name}`);
  if (modeled && Object.keys(extra).length) {
    const problems = findProblems(name, { message, ...extra }, "", { unknownMembers: true, required: false });
    if (problems.length) throw new StubberError(`The stubbed ${name} does not match the model:\n${bullets(problems.map((p) => `${p.path || "error"}: ${p.message}`))}`);
  }
  const status = statusCode ?? (modeled ? ((shape as { status?: number }).status ?? (shape.error === "server" ? 500 : 400)) : 400);
  return (_request, requestId) => response(status, { __type: name, message, ...extra }, requestId);
}
