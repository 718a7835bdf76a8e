/**
 * Registers the client's default middleware, in run order, under the names (and in
 * the steps) the official client uses, so v3 middleware placed relative to them work.
 */
import type { MetadataBearer, MiddlewareStack } from "@smithy/types";
import type { ResolvedConfig } from "../config.js";
import { loggerMiddleware } from "./01-logger.js";
import { endpointMiddleware } from "./02-endpoint.js";
import { serializerMiddleware } from "./03-serializer.js";
import { contentLengthMiddleware } from "./04-content-length.js";
import { userAgentMiddleware } from "./05-user-agent.js";
import { hostHeaderMiddleware } from "./06-host-header.js";
import { retryMiddleware } from "./08-retry.js";
import { signingMiddleware } from "./09-signing.js";
import { deserializerMiddleware } from "./10-deserializer.js";
import type { CallMiddleware } from "./types.js";
import { addTracing, runtime } from "../runtime.js";

/** Does nothing: holds a v3 name in the stack, so v3 middleware placed relative to it run at the same point. */
const anchor = (): CallMiddleware<any, any> => (next) => next;

export function addDefaultMiddleware(stack: MiddlewareStack<object, MetadataBearer>, config: ResolvedConfig): void {
  // initialize: the default step
  stack.add(loggerMiddleware, { name: "loggerMiddleware", tags: ["LOGGER"] });
  stack.add(anchor(), { step: "serialize", name: "httpAuthSchemeMiddleware", tags: ["HTTP_AUTH_SCHEME"] });
  stack.add(endpointMiddleware(config), { step: "serialize", name: "endpointV2Middleware", tags: ["ENDPOINT_PARAMETERS", "ENDPOINT_V2", "ENDPOINT"] });
  stack.add(serializerMiddleware(config), { step: "serialize", name: "serializerMiddleware", tags: ["SERIALIZER"] });
  stack.add(contentLengthMiddleware, { step: "build", name: "contentLengthMiddleware", tags: ["SET_CONTENT_LENGTH", "CONTENT_LENGTH"] });
  stack.add(userAgentMiddleware(config), {
    step: "build",
    priority: "low",
    name: "userAgentMiddleware",
    aliases: ["getUserAgentMiddleware"],
    tags: ["SET_USER_AGENT", "USER_AGENT"],
  });
  stack.add(hostHeaderMiddleware, { step: "build", priority: "low", name: "hostHeaderMiddleware", tags: ["HOST"] });
  // Node only (Lambda); browsers keep the name with a no-op
  stack.add((runtime.recursionDetection ?? anchor)(), { step: "build", priority: "low", name: "recursionDetectionMiddleware", tags: ["RECURSION_DETECTION"] });
  stack.add(retryMiddleware(config), { step: "finalizeRequest", priority: "high", name: "retryMiddleware", tags: ["RETRY"] });
  // aliases: the other names v3 code may place its own middleware relative to
  stack.addRelativeTo(signingMiddleware(config), {
    relation: "after",
    toMiddleware: "retryMiddleware",
    name: "httpSigningMiddleware",
    aliases: ["apiKeyMiddleware", "tokenMiddleware", "awsAuthMiddleware"],
    tags: ["HTTP_SIGNING"],
  });
  stack.add(deserializerMiddleware, { step: "deserialize", name: "deserializerMiddleware", tags: ["DESERIALIZER"] });
  // Node: calls are traced once an OpenTelemetry provider is registered (tracing/auto.ts); browsers leave this out
  addTracing?.(stack, config);
}
