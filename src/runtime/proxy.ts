/**
 * Proxy support for the default Node handler, loaded only when HTTPS_PROXY,
 * HTTP_PROXY or ALL_PROXY (either case) is set. NO_PROXY is honoured per request.
 * https endpoints are tunnelled with CONNECT; http endpoints are forwarded.
 *
 * The agent libraries are ESM-only: they are loaded with `import()`, which the
 * CommonJS build keeps as it is.
 */
import type { Agent, AgentOptions, ClientRequest } from "node:http";
import type { Socket } from "node:net";
import type { ProxySupport } from "./node-http.js";

export async function loadProxySupport(): Promise<ProxySupport> {
  const [{ getProxyForUrl }, { HttpsProxyAgent }, { HttpProxyAgent }] = await Promise.all([
    import("proxy-from-env"),
    import("https-proxy-agent"),
    import("http-proxy-agent"),
  ]);

  /**
   * A CONNECT tunnel whose TLS session with the endpoint uses the `httpsAgent` options
   * (`ca`, `rejectUnauthorized`...), as a direct connection would.
   */
  type ConnectOpts = Parameters<InstanceType<typeof HttpsProxyAgent>["connect"]>[1];
  class TunnelAgent extends HttpsProxyAgent<string> {
    readonly #endpointOptions: AgentOptions;
    constructor(proxyUrl: string, options: AgentOptions) {
      super(proxyUrl, options);
      this.#endpointOptions = options;
    }
    override connect(req: ClientRequest, opts: ConnectOpts): Promise<Socket> {
      return super.connect(req, { ...this.#endpointOptions, ...opts } as ConnectOpts);
    }
  }

  return {
    proxyFor: (url: string): string => getProxyForUrl(url),
    agent: (proxyUrl: string, tls: boolean, options: AgentOptions): Agent =>
      tls ? new TunnelAgent(proxyUrl, options) : new HttpProxyAgent(proxyUrl, options),
  };
}
