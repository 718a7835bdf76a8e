import type { HttpResponse, ResponseMetadata } from "@smithy/types";

export interface ServiceExceptionOptions {
  name?: string;
  $fault?: "client" | "server";
  message?: string;
  $metadata?: ResponseMetadata;
  $response?: HttpResponse;
  $retryable?: { throttling?: boolean };
  [key: string]: unknown;
}

/**
 * Base class of every error the CodePipeline service returns, modeled or not.
 * `name` is the service's error code, `$fault` says whose fault it was,
 * `$metadata` carries the status and request id, and the raw response is kept
 * in the non-enumerable `$response`.
 */
export class CodePipelineServiceException extends Error {
  override name: string;
  readonly $fault: "client" | "server";
  $metadata: ResponseMetadata;
  $retryable?: { throttling?: boolean };
  declare readonly $response?: HttpResponse;

  constructor(opts: ServiceExceptionOptions) {
    super(opts.message);
    const { name, $fault, message, $metadata, $response, ...rest } = opts;
    this.name = name ?? "CodePipelineServiceException";
    this.$fault = $fault ?? "client";
    this.$metadata = $metadata ?? {};
    Object.assign(this, rest);
    if ($response) Object.defineProperty(this, "$response", { value: $response, enumerable: false });
    Object.setPrototypeOf(this, new.target.prototype);
  }

  /**
   * `instanceof` as in v3: besides the prototype chain, any service error (an object with a `$fault`
   * and `$metadata`) whose `name` is this class's error name matches it. So a modeled error the
   * operation does not declare, an error from a second copy of this package (ESM and CJS both
   * loaded) or one built by a mock still matches its class.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const v = value as { $fault?: unknown; $metadata?: unknown; name?: unknown } | null;
    if (typeof v !== "object" || v === null || (v.$fault !== "client" && v.$fault !== "server") || !v.$metadata) return false;
    if (this === CodePipelineServiceException) return true;
    try {
      return v.name === new (this as unknown as new (o: ServiceExceptionOptions) => Error)({}).name;
    } catch {
      return false;
    }
  }
}
