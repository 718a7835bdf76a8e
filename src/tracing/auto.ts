/**
 * Tracing with no code change (Node): each call looks for an OpenTelemetry tracer or meter
 * provider in the API's global registry, which `@opentelemetry/api` keeps on `globalThis`
 * under `Symbol.for("opentelemetry.js.api.1")`. Nothing is imported until one is found;
 * then `./otel.js` and `@opentelemetry/api` load once. With no provider a call costs one
 * property read.
 */
import type { MetadataBearer, MiddlewareStack } from "@smithy/types";
import type { ResolvedConfig } from "../config.js";
import { addTracingMiddleware, type Tracing } from "./hook.js";

let key: symbol | undefined;
let loaded: Tracing | Promise<Tracing | undefined> | undefined;
/** Set when `@opentelemetry/api` could not be loaded: tracing stays off. */
let unavailable = false;

/** The automatic tracing implementation, loading it at the first call that finds a provider. */
export function autoTracing(): Tracing | Promise<Tracing | undefined> | undefined {
  const api = (globalThis as Record<symbol, { trace?: unknown; metrics?: unknown } | undefined>)[(key ??= Symbol.for("opentelemetry.js.api.1"))];
  if (!api || (!api.trace && !api.metrics) || unavailable) return undefined;
  return (loaded ??= import("./otel.js").then(
    (m) => (loaded = m.createTracing()),
    () => {
      unavailable = true;
      return (loaded = undefined);
    },
  ));
}

/** Adds the tracing middleware that follow the global OpenTelemetry registration. */
export const addAutoTracing = (stack: MiddlewareStack<object, MetadataBearer>, config: ResolvedConfig): void =>
  addTracingMiddleware(stack, config, autoTracing);
