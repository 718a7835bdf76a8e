/**
 * The client's own middleware. Each is a plain v3-style middleware function,
 * registered on the client stack under the names the official client uses.
 */
import type { EndpointV2, HttpRequest, HttpResponse, MiddlewareStack } from "@smithy/types";
import type { ResolvedConfig, SendOptions } from "../config.js";
import type { OperationSpec } from "../operation.js";
import { getSettings, settingsOf, type Settings } from "../settings.js";
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

/**
 * Calls `f` with the client's settings: synchronously once they are loaded (every call after
 * the first), so middleware that only read them add no promise to the call.
 */
const withSettings = <T>(config: ResolvedConfig, f: (s: Settings) => T): T | Promise<T> => {
  const s = settingsOf(config);
  return s instanceof Promise ? s.then(f) : f(s);
};

/** serialize: puts the resolved endpoint in `context.endpointV2`, where later middleware read (or replace) it. */
export const endpointMiddleware = (config: ResolvedConfig): Mw => (next, context) => (args) =>
  withSettings(config, (s) => {
    context.endpointV2 = s.endpoint;
    return next(args);
  });

/** serialize: the HTTP request, with the JSON body, for the endpoint in the context. */
export const serializerMiddleware = (config: ResolvedConfig): Mw => (next, context) => async (args) => {
  const url = ((context.endpointV2 as EndpointV2 | undefined) ?? (await getSettings(config)).endpoint).url;
  const request: HttpRequest = {
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname.endsWith("/") ? url.pathname : url.pathname + "/",
    query: {},
    headers: { "content-type": CONTENT_TYPE, "x-amz-target": TARGET_PREFIX + context.operation.n },
    body: serializeBody(args.input, context.operation),
  };
  return next({ ...args, request });
};

const hasHeader = (h: Record<string, string>, name: string): boolean => Object.keys(h).some((k) => k.toLowerCase() === name);

/** build: `content-length` from the body, unless a header says it already. */
export const contentLengthMiddleware = (): Mw => (next) => (args) => {
  const request = args.request as HttpRequest | undefined;
  const body = request?.body as string | Uint8Array | undefined;
  if (request && body != null && !hasHeader(request.headers, "content-length"))
    request.headers["content-length"] = String(typeof body === "string" ? utf8Length(body) : body.byteLength);
  return next(args);
};

/** build: user agents and the invocation id. */
export const userAgentMiddleware = (config: ResolvedConfig): Mw => (next) => (args) =>
  withSettings(config, (s) => {
    const h = (args.request as HttpRequest).headers;
    h["x-amz-user-agent"] = s.xAmzUserAgent;
    if (s.userAgent) h["user-agent"] = s.userAgent;
    h["amz-sdk-invocation-id"] = runtime.uuid();
    return next(args);
  });

/** build: `host` from the request's hostname and port, unless set already. */
export const hostHeaderMiddleware = (): Mw => (next) => (args) => {
  const request = args.request as HttpRequest | undefined;
  if (request && !request.headers.host) request.headers.host = request.hostname + (request.port ? `:${request.port}` : "");
  return next(args);
};

/** build: inside AWS Lambda, passes the function's trace id on in `X-Amzn-Trace-Id` (unless set already). */
export const recursionDetectionMiddleware = (): Mw => (next) => (args) => {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const request = args.request as HttpRequest | undefined;
  // one process.env lookup (a call into the runtime) outside Lambda
  const traceId = env?.AWS_LAMBDA_FUNCTION_NAME && env._X_AMZN_TRACE_ID;
  if (request && traceId && !hasHeader(request.headers, "x-amzn-trace-id")) request.headers["X-Amzn-Trace-Id"] = traceId;
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

/** Does nothing: holds a v3 name in the stack, so v3 middleware placed relative to it run at the same point. */
const anchor = (): Mw => (next) => next;

/**
 * Registers the default middleware on a client stack, under the names (and in the
 * order) the official client uses, so v3 middleware placed relative to them work.
 */
export function addDefaultMiddleware(stack: MiddlewareStack<any, any>, config: ResolvedConfig): void {
  stack.add(loggerMiddleware() as any, { step: "initialize", name: "loggerMiddleware", tags: ["LOGGER"] });
  stack.add(anchor() as any, { step: "serialize", name: "httpAuthSchemeMiddleware", tags: ["HTTP_AUTH_SCHEME"] });
  stack.add(endpointMiddleware(config) as any, { step: "serialize", name: "endpointV2Middleware", tags: ["ENDPOINT_PARAMETERS", "ENDPOINT_V2", "ENDPOINT"] });
  stack.add(serializerMiddleware(config) as any, { step: "serialize", name: "serializerMiddleware", tags: ["SERIALIZER"] });
  stack.add(contentLengthMiddleware() as any, { step: "build", name: "contentLengthMiddleware", tags: ["SET_CONTENT_LENGTH", "CONTENT_LENGTH"] });
  stack.add(userAgentMiddleware(config) as any, {
    step: "build",
    priority: "low",
    name: "userAgentMiddleware",
    aliases: ["getUserAgentMiddleware"],
    tags: ["SET_USER_AGENT", "USER_AGENT"],
  });
  stack.add(hostHeaderMiddleware() as any, { step: "build", priority: "low", name: "hostHeaderMiddleware", tags: ["HOST"] });
  stack.add(recursionDetectionMiddleware() as any, { step: "build", priority: "low", name: "recursionDetectionMiddleware", tags: ["RECURSION_DETECTION"] });
  stack.add(retryMiddleware(config) as any, { step: "finalizeRequest", priority: "high", name: "retryMiddleware", tags: ["RETRY"] });
  // aliases: the other names v3 code may place its own middleware relative to
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
