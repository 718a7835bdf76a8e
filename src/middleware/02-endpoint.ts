import type { ResolvedConfig } from "../config.js";
import { withSettings } from "../settings.js";
import type { CallMiddleware, InputArgs } from "./types.js";

/** serialize: puts the resolved endpoint in `context.endpointV2`, where later middleware read (or replace) it. */
export const endpointMiddleware = (config: ResolvedConfig): CallMiddleware<InputArgs> => (next, context) => (args) =>
  withSettings(config, (s) => {
    context.endpointV2 = s.endpoint;
    return next(args);
  });
