/**
 * What a generated command declares about its operation. Behaviour that uses
 * these facts lives in the protocol and middleware modules, never in commands.
 */
import type { CodePipelineServiceException, ServiceExceptionOptions } from "./exception.js";

/** A modeled exception class. */
export type ErrorClass = new (opts: ServiceExceptionOptions) => CodePipelineServiceException;

/**
 * Paths through a shape to the values that need care:
 * `0` marks a value that needs none (input tables list every member, with `0` for plain values),
 * `1` marks a timestamp (epoch seconds on the wire, `Date` in code),
 * `2` marks a sensitive value (redacted in logs),
 * an array `[h]` describes every element of a list,
 * an object describes structure members by name, or map values under the key `"*"`.
 */
export type ShapeHints = 0 | 1 | 2 | readonly [ShapeHints] | { readonly [member: string]: ShapeHints };

export interface OperationSpec {
  /** Operation name as in the model, e.g. `ListPipelines`. */
  readonly name: string;
  /** Modeled errors this operation declares. */
  readonly errors: readonly ErrorClass[];
  /**
   * The input's wire table (src/generated/wire.ts): every member the request body may hold, in the
   * order it is written, down to the leaves. Absent when the operation takes no input.
   */
  readonly input?: ShapeHints;
  /** Hints for the output shape, when it holds timestamps or sensitive values. */
  readonly output?: ShapeHints;
  /** Name of the input member that carries the idempotency token, when there is one. */
  readonly idempotencyToken?: string;
  /** Set when the operation returns nothing (smithy.api#Unit): any response body is ignored. */
  readonly noOutput?: true;
}
