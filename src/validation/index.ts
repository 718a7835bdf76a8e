/**
 * `codepipeline-client/validation`: opt-in checks of inputs (and, if asked, outputs) against the
 * CodePipeline model. The model tables live here, so clients that do not import this entry do not
 * carry them.
 *
 * ```ts
 * import { validation } from "codepipeline-client/validation";
 * client.middlewareStack.use(validation());
 * ```
 */
import type { Pluggable, MiddlewareStack } from "@smithy/types";
import { operations } from "../generated/shapes.js";
import { findProblems, type Problem, type ValidateOptions } from "./validate.js";

export { validateShape, findProblems, type Problem, type ProblemCode, type ValidateOptions } from "./validate.js";

/** Formats problems as `path: message` lines, labelling the root with `root`. */
const lines = (problems: Problem[], root: string): string[] => problems.map((p) => `${p.path || root}: ${p.message}`);

/**
 * A value broke the model. `problems` lists every problem as `"<path>: <what is wrong>"`, and so
 * does the message, one per line.
 */
export class ModelValidationError extends Error {
  /** `"InputValidationError"` or `"OutputValidationError"` for the subclasses, `"ModelValidationError"` otherwise. */
  override readonly name: string = "ModelValidationError";
  /** Always `"client"`, as for a service validation error. */
  readonly $fault = "client" as const;
  /** Empty: the error comes from the client, not from a response. */
  readonly $metadata = {};
  /** The operation whose value was checked, e.g. `CreatePipeline`. */
  readonly operation: string;
  /** Every problem, as `"<path>: <what is wrong>"`. */
  readonly problems: string[];
  /** Every problem, as objects. */
  readonly details: Problem[];

  constructor(operation: string, details: Problem[], what: string) {
    const problems = lines(details, what);
    const n = problems.length;
    super(`${operation} ${what} does not match the CodePipeline model (${n} problem${n === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.operation = operation;
    this.problems = problems;
    this.details = details;
  }
}

/** An input broke the model: thrown by the plugin before anything is sent. */
export class InputValidationError extends ModelValidationError {
  /** Always `"InputValidationError"`. */
  override readonly name: string = "InputValidationError";
  constructor(operation: string, details: Problem[]) {
    super(operation, details, "input");
  }
}

/** A response broke the model (only with `validation({ outputs: true })`). */
export class OutputValidationError extends ModelValidationError {
  /** Always `"OutputValidationError"`. */
  override readonly name: string = "OutputValidationError";
  constructor(operation: string, details: Problem[]) {
    super(operation, details, "output");
  }
}

/** Options of the `validation()` plugin. */
export interface ValidationPluginOptions {
  /** Report input members that are not in the model, which the serializer would silently drop (default true). */
  unknownMembers?: boolean;
  /** Also check each output, throwing {@link OutputValidationError} when it breaks the model (default false). */
  outputs?: boolean;
}

/** Name under which the plugin's middleware sits on the stack. */
export const VALIDATION_MIDDLEWARE = "inputValidationMiddleware";

/**
 * The validation plugin: an initialize-step middleware that checks each input against the model
 * and throws one {@link InputValidationError} listing every problem, before any request is built.
 * Unknown input members are reported by default (a misspelt member would otherwise be dropped).
 */
export function validation(options: ValidationPluginOptions = {}): Pluggable<any, any> {
  const inputOptions: ValidateOptions = { unknownMembers: options.unknownMembers !== false };
  const middleware =
    (next: (args: any) => Promise<any>, context: any) =>
    async (args: any): Promise<any> => {
      const name: string | undefined = context?.operation?.name ?? context?.commandName?.replace(/Command$/, "");
      const op = name ? operations[name] : undefined;
      if (!op) return next(args);
      if (op.input) {
        const problems = findProblems(op.input, args.input ?? {}, "", inputOptions);
        if (problems.length) throw new InputValidationError(name!, problems);
      }
      const result = await next(args);
      if (options.outputs && op.output && result?.output) {
        const { $metadata, ...output } = result.output;
        const problems = findProblems(op.output, output, "");
        if (problems.length) throw new OutputValidationError(name!, problems);
      }
      return result;
    };
  return {
    applyToStack(stack: MiddlewareStack<any, any>) {
      stack.add(middleware as any, {
        step: "initialize",
        priority: "high",
        name: VALIDATION_MIDDLEWARE,
        tags: ["VALIDATION"],
        override: true,
      });
    },
  };
}
