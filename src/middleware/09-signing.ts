import type { HttpRequest, HttpResponse } from "@smithy/types";
import type { ResolvedConfig } from "../config.js";
import { getSettings } from "../settings.js";
import type { CallMiddleware } from "./types.js";
import { headerValue } from "./headers.js";

/**
 * finalizeRequest, after retry: signs each attempt with the current clock offset,
 * and learns the offset from the response `Date` header.
 */
export const signingMiddleware = (config: ResolvedConfig): CallMiddleware => (next) => async (args) => {
  const s = await getSettings(config);
  const signingDate = new Date(Date.now() + config.systemClockOffset);
  const request = await s.signer.sign(args.request as HttpRequest, { signingDate });
  const sentAt = Date.now();
  try {
    const out = await next({ ...args, request });
    updateClockOffset(config, out.response as HttpResponse, sentAt);
    return out;
  } catch (err: any) {
    const before = config.systemClockOffset;
    if (updateClockOffset(config, err?.$response, sentAt) && Math.abs(config.systemClockOffset) >= 240_000 && config.systemClockOffset !== before && err.$metadata)
      err.$metadata.clockSkewCorrected = true;
    throw err;
  }
};

let lastDate = "";
let lastServer = NaN;

/** Sets `systemClockOffset` from a response's `Date` header; false when it could not. */
function updateClockOffset(config: ResolvedConfig, response: HttpResponse | undefined, sentAt: number): boolean {
  if (!response || config.disableClockSkewCorrection) return false;
  const h = response.headers;
  const date = headerValue(h, "date");
  if (!date || headerValue(h, "age") !== undefined || Date.now() - sentAt > 900_000) return false;
  // the Date header changes once a second: parse each value once
  const server = date === lastDate ? lastServer : Date.parse((lastDate = date));
  lastServer = server;
  if (Number.isNaN(server)) return false;
  config.systemClockOffset = server - Date.now();
  return true;
}
