import type { HttpRequest } from "@smithy/types";
import type { ResolvedConfig } from "../config.js";
import { withSettings } from "../settings.js";
import { runtime } from "../runtime.js";
import type { CallMiddleware } from "./types.js";

/** build: user agents and the invocation id. */
export const userAgentMiddleware = (config: ResolvedConfig): CallMiddleware => (next) => (args) =>
  withSettings(config, (s) => {
    const h = (args.request as HttpRequest).headers;
    h["x-amz-user-agent"] = s.xAmzUserAgent;
    if (s.userAgent) h["user-agent"] = s.userAgent;
    h["amz-sdk-invocation-id"] = runtime.uuid();
    return next(args);
  });
