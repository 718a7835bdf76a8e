/**
 * The client's own middleware. Each is a plain v3-style middleware function,
 * registered on the client stack under the names the official client uses.
 */
import type { HttpRequest, HttpResponse, MiddlewareStack } from "@smithy/types";
import type { ResolvedConfig, SendOptions } from "../config.js";
import type { OperationSpec } from "../operation.js";
import { getSettings } from "../settings.js";
import { CONTENT_TYPE, TARGET_PREFIX, parseError, parseOutput, redact, responseMetadata, serializeBody } from "../protocol.js";
import { retryMiddleware } from "./retry.js";
import { runtime } from "../runtime.js";

/** What our middleware find in the handler context. */
export interface CallContext {
  clientName: string;
  commandName: string;
  logger: ResolvedConfig["logger"];
  operation: OperationSpec;
  options?: SendOptions;
  [key: string]: unknown;
}

type Mw = (next: (args: any) => Promise<any>, context: CallContext) => (args: any) => Promise<any>;

const utf8Length = (s: string): number => (/[^\x00-\x7f]/.test(s) ? new TextEncoder().encode(s).length : s.length);

/** serialize: endpoint and JSON body. */
export const serializerMiddleware = (config: ResolvedConfig): Mw => (next, context) => async (args) => {
  const s = await getSettings(config);
  const url = s.endpoint.url;
  const body = serializeBody(args.input, context.operation);
  const path = url.pathname.endsWith("/") ? url.pathname : url.pathname + "/";
  context.endpointV2 = s.endpoint;
  const request: HttpRequest = {
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path,
    query: {},
    headers: {
      "content-type": CONTENT_TYPE,
      "x-amz-target": TARGET_PREFIX + context.operation.n,
      "content-length": String(utf8Length(body)),
    },
    body,
  };
  return next({ ...args, request });
};

/** build: host, user agent and invocation id headers. */
export const userAgentMiddleware = (config: ResolvedConfig): Mw => (next) => async (args) => {
  const s = await getSettings(config);
  const request = args.request as HttpRequest;
  const h = request.headers;
  h.host = request.hostname + (request.port ? `:${request.port}` : "");
  h["x-amz-user-agent"] = s.xAmzUserAgent;
  if (s.userAgent) h["user-agent"] = s.userAgent;
  h["amz-sdk-invocation-id"] = crypto.randomUUID();
  return next(args);
};

/**
 * finalizeRequest, after retry: signs each attempt with the current clock offset,
 * and learns the offset from the response `Date` header.
 */
export const signingMiddleware = (config: ResolvedConfig): Mw => (next) => async (args) => {
  const s = await getSettings(config);
  const signingDate = new Date(Date.now() + config.systemClockOffset);
  const request = await s.signer.sign(args.request, { signingDate });
  const sentAt = Date.now();
  try {
    const out = await next({ ...args, request });
    updateClockOffset(config, out.response, sentAt);
    return out;
  } catch (err: any) {
    const before = config.systemClockOffset;
    if (updateClockOffset(config, err?.$response, sentAt) && Math.abs(config.systemClockOffset) >= 240_000 && config.systemClockOffset !== before && err.$metadata)
      err.$metadata.clockSkewCorrected = true;
    throw err;
  }
};

/** Sets `systemClockOffset` from a response's `Date` header; false when it could not. */
function updateClockOffset(config: ResolvedConfig, response: HttpResponse | undefined, sentAt: number): boolean {
  if (!response || config.disableClockSkewCorrection) return false;
  const h = response.headers;
  const date = h.date ?? h.Date;
  if (!date || h.age !== undefined || Date.now() - sentAt > 900_000) return false;
  const server = Date.parse(date);
  if (Number.isNaN(server)) return false;
  config.systemClockOffset = server - Date.now();
  return true;
}

/** deserialize: the output, or the typed error. */
export const deserializerMiddleware = (): Mw => (next, context) => async (args) => {
  const { response } = await next(args);
  const bytes = response.body as Uint8Array;
  const $metadata = responseMetadata(response);
  if (response.statusCode >= 300) throw parseError(bytes, response, context.operation, $metadata);
  return { response, output: parseOutput(bytes, response, context.operation, $metadata) };
};

/**
 * initialize: one log entry per call, once retries are over: `info` with the output or
 * `error` with the error, each with the client and command names, the input and
 * `$metadata`. Sensitive values (the job's artifact credentials) are replaced by
 * `***SensitiveInformation***`; the returned output is not changed. A logger that
 * throws never fails the call.
 */
export const loggerMiddleware = (): Mw => (next, context) => async (args) => {
  const { logger, clientName, commandName, operation } = context;
  if (!logger || (logger.info === noopInfo && logger.error === noopInfo)) return next(args);
  const input = redact(args.input, operation.i);
  let out: any;
  try {
    out = await next(args);
  } catch (error: any) {
    try {
      logger.error?.({ clientName, commandName, input, error, metadata: error?.$metadata });
    } catch {}
    throw error;
  }
  try {
    const { $metadata, ...output } = out.output ?? {};
    logger.info?.({ clientName, commandName, input, output: redact(output, operation.o), metadata: $metadata });
  } catch {}
  return out;
};

import { NO_LOGGER } from "../config.js";
const noopInfo = NO_LOGGER.info;

/** Registers the default middleware on a client stack. */
export function addDefaultMiddleware(stack: MiddlewareStack<any, any>, config: ResolvedConfig): void {
  stack.add(loggerMiddleware() as any, { step: "initialize", name: "loggerMiddleware", tags: ["LOGGER"] });
  stack.add(serializerMiddleware(config) as any, { step: "serialize", name: "serializerMiddleware", tags: ["SERIALIZER"] });
  stack.add(userAgentMiddleware(config) as any, {
    step: "build",
    priority: "low",
    name: "userAgentMiddleware",
    aliases: ["getUserAgentMiddleware"],
    tags: ["SET_USER_AGENT", "USER_AGENT"],
  });
  stack.add(retryMiddleware(config) as any, { step: "finalizeRequest", priority: "high", name: "retryMiddleware", tags: ["RETRY"] });
  // aliases: the names v3 code may place its own middleware relative to
  stack.addRelativeTo(signingMiddleware(config) as any, {
    relation: "after",
    toMiddleware: "retryMiddleware",
    name: "httpSigningMiddleware",
    aliases: ["apiKeyMiddleware", "tokenMiddleware", "awsAuthMiddleware"],
    tags: ["HTTP_SIGNING"],
  });
  stack.add(deserializerMiddleware() as any, { step: "deserialize", name: "deserializerMiddleware", tags: ["DESERIALIZER"] });
}

export { runtime };
