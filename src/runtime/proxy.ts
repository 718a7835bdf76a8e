/**
 * Proxy support for the default Node handler, loaded only when HTTPS_PROXY,
 * HTTP_PROXY or ALL_PROXY (either case) is set. NO_PROXY is honoured per request.
 * https endpoints are tunnelled with CONNECT; http endpoints are forwarded.
 */
import type { Agent, AgentOptions } from "node:http";
import { getProxyForUrl } from "proxy-from-env";
import { HttpsProxyAgent } from "https-proxy-agent";
import { HttpProxyAgent } from "http-proxy-agent";

/** The proxy URL for a request URL, or "" for a direct connection. */
export const proxyFor = (url: string): string => getProxyForUrl(url);

/** A pooling agent that reaches its targets through `proxyUrl`. */
export const agent = (proxyUrl: string, tls: boolean, options: AgentOptions): Agent =>
  tls ? new HttpsProxyAgent(proxyUrl, options) : new HttpProxyAgent(proxyUrl, options);
