import type { HttpResponse, ResponseMetadata } from "@smithy/types";
import { ERROR_NAMESPACE } from "./generated/service.js";

/** What a {@link CodePipelineServiceException} is built from; any further keys become own properties of the error. */
export interface ServiceExceptionOptions {
  /** The error code; defaults to `"CodePipelineServiceException"`. */
  name?: string;
  /** Whose fault the error is; defaults to `"client"`. */
  $fault?: "client" | "server";
  /** Human-readable text; the error has no own `message` when omitted. */
  message?: string;
  /** Status and request ids of the response; defaults to `{}`. */
  $metadata?: ResponseMetadata;
  /** The raw HTTP response, stored as a non-enumerable property. */
  $response?: HttpResponse;
  /** Present when the error is retryable. */
  $retryable?: {
    /** `true` when the error is a throttling error. */
    throttling?: boolean;
  };
  [key: string]: unknown;
}

/** Marks errors of this package, across copies of it. */
const BRAND: unique symbol = /* @__PURE__ */ Symbol.for("codepipeline-client.ServiceException") as any;

/**
 * Base class of every error the CodePipeline service returns, modeled or not.
 * `name` is the service's error code, `$fault` says whose fault it was,
 * `$metadata` carries the status and request id, and the raw response is kept
 * in the non-enumerable `$response`. Own enumerable properties come in v3's order
 * (`$fault`, `$retryable`, `$metadata`, `name`, then the rest), so `Object.keys`,
 * spreads and `JSON.stringify` give what they give for v3's errors.
 */
export class CodePipelineServiceException extends Error {
  /** The service's error code, e.g. `PipelineNotFoundException`; check it (or `instanceof`) rather than the message. */
  declare name: string;
  /** `"client"` when the request was at fault (4xx), `"server"` when the service was (5xx). */
  declare readonly $fault: "client" | "server";
  /** HTTP status, request ids, and how many attempts and how much backoff the call took. */
  declare $metadata: ResponseMetadata;
  /** Set when the error is one the retry strategy retries; `throttling` when it is a throttling error. */
  declare $retryable?: {
    /** `true` when the error is a throttling error, which the retry strategy backs off from longer. */
    throttling?: boolean;
  };
  /** The raw HTTP response, kept out of `JSON.stringify` and `Object.keys`. */
  declare readonly $response?: HttpResponse;

  constructor(opts: ServiceExceptionOptions) {
    // as Error (and v3) do: `message` is an own property only when given, and then not enumerable
    super(opts.message);
    const { name, $fault, message, $metadata, $response, $retryable, ...rest } = opts;
    const self = this as { -readonly [K in keyof this]: this[K] };
    self.$fault = $fault ?? "client";
    self.$retryable = $retryable;
    self.$metadata = $metadata ?? {};
    self.name = name ?? "CodePipelineServiceException";
    Object.assign(this, rest);
    if ($response) Object.defineProperty(this, "$response", { value: $response, enumerable: false });
    // (no Object.setPrototypeOf as v3's down-levelled classes need: native classes already have new.target's prototype)
  }

  /** Marks errors of this package, across copies of it (see `Symbol.hasInstance`). */
  get [BRAND](): true {
    return true;
  }

  /**
   * `instanceof` as in v3: besides the prototype chain, an error of this package whose `name`
   * is this class's error name matches it. So a modeled error the operation does not declare
   * (it arrives as a `CodePipelineServiceException` with that name) and an error from a second
   * copy of this package (ESM and CommonJS both loaded) or from `@aws-sdk/client-codepipeline`
   * (code bases part-way through a migration) still match their class. Errors of other
   * services never match.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== "object" || value === null || !(ours(value) || fromOfficialClient(value))) return false;
    return isBase(this) || (value as Error).name === errorName(this);
  }
}

/** Outside the class body, so that bundlers keep the class's own name (`err.constructor.name`). */
const isBase = (ctor: unknown): boolean => ctor === CodePipelineServiceException;

const ours = (value: object): boolean => (value as { [BRAND]?: true })[BRAND] === true;
/** Errors of `@aws-sdk/client-codepipeline` carry the model's shape id on their class. */
const fromOfficialClient = (value: object): boolean =>
  String((value.constructor as { shapeId?: unknown } | undefined)?.shapeId ?? "").startsWith(ERROR_NAMESPACE);

const names = /* @__PURE__ */ new WeakMap<object, string>();
/** The error name instances of an error class carry (cached; "" when it cannot be constructed). */
export const errorName = (ctor: object): string | undefined => {
  let name = names.get(ctor);
  if (name === undefined) {
    try {
      name = new (ctor as new (o: ServiceExceptionOptions) => Error)({}).name;
    } catch {
      name = "";
    }
    names.set(ctor, name);
  }
  return name;
};
