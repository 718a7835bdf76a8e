/** Webhooks: their operations, and the trigger that starts an execution when a webhook URL is called. */
import { createHmac, timingSafeEqual } from "node:crypto";
import type * as M from "../../models/index.js";
import type { Engine } from "./engine.js";
import type { Handlers, LocalService } from "./service.js";
import { clone, fail, page, uuid } from "./util.js";

export function webhookHandlers(svc: LocalService): Handlers {
  const eng = svc.engine;
  return {
    DeleteWebhook: (i: M.DeleteWebhookInput): M.DeleteWebhookOutput => {
      eng.webhooks.delete(i.name!);
      return {};
    },

    DeregisterWebhookWithThirdParty: (i: M.DeregisterWebhookWithThirdPartyInput): M.DeregisterWebhookWithThirdPartyOutput => {
      const w = i.webhookName === undefined ? undefined : eng.webhooks.get(i.webhookName);
      if (!w) fail("WebhookNotFoundException", `The webhook ${i.webhookName ?? "(no name given)"} was not found.`);
      w!.registered = false;
      return {};
    },

    ListWebhooks: (i: M.ListWebhooksInput): M.ListWebhooksOutput => {
      const list = [...eng.webhooks.values()];
      const pg = page("webhooks", list, i.NextToken, i.MaxResults ?? 100);
      return { webhooks: pg.items.map((w) => svc.webhookItem(w)), NextToken: pg.nextToken };
    },

    PutWebhook: (i: M.PutWebhookInput): M.PutWebhookOutput => {
      const def = i.webhook!;
      const p = eng.pipeline(def.targetPipeline!);
      if (!p.decl.stages![0]!.actions!.some((a) => a.name === def.targetAction))
        fail("ValidationException", `The pipeline ${p.name} has no source action named ${def.targetAction}.`);
      const auth = def.authenticationConfiguration ?? {};
      if (def.authentication === "GITHUB_HMAC" && !auth.SecretToken)
        fail("InvalidWebhookAuthenticationParametersException", "GITHUB_HMAC authentication needs authenticationConfiguration.SecretToken.");
      if (def.authentication === "IP" && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(auth.AllowedIPRange ?? ""))
        fail("InvalidWebhookAuthenticationParametersException", "IP authentication needs authenticationConfiguration.AllowedIPRange as an IPv4 CIDR block, e.g. 10.0.0.0/8.");
      for (const f of def.filters ?? [])
        if (!f.jsonPath!.startsWith("$")) fail("InvalidWebhookFilterPatternException", `The filter path ${f.jsonPath} is not a JSONPath (it must start with "$").`);
      const existing = eng.webhooks.get(def.name!);
      const tags = svc.checkTags(i.tags, existing?.tags);
      const w = existing ?? { definition: def, arn: eng.arn(`webhook:${def.name}`), id: uuid(), tags, registered: false };
      w.definition = clone(def);
      w.tags = tags;
      eng.webhooks.set(def.name!, w);
      return { webhook: svc.webhookItem(w) };
    },

    RegisterWebhookWithThirdParty: (i: M.RegisterWebhookWithThirdPartyInput): M.RegisterWebhookWithThirdPartyOutput => {
      const w = i.webhookName === undefined ? undefined : eng.webhooks.get(i.webhookName);
      if (!w) fail("WebhookNotFoundException", `The webhook ${i.webhookName ?? "(no name given)"} was not found.`);
      w!.registered = true;
      return {};
    },
  };
}

/** Handles a POST to a webhook URL: checks its authentication and filters, then starts an execution. */
export function triggerWebhook(engine: Engine, id: string, headers: Record<string, string>, body: Uint8Array, remote: string): { status: number; body: object } {
  const w = [...engine.webhooks.values()].find((x) => x.id === id);
  if (!w) return { status: 404, body: { message: "No webhook has this URL." } };
  const def = w.definition;
  if (def.authentication === "GITHUB_HMAC") {
    const secret = def.authenticationConfiguration?.SecretToken ?? "";
    const given = headers["x-hub-signature-256"] ?? "";
    const expected = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected)))
      return { status: 403, body: { message: "The X-Hub-Signature-256 header does not match the webhook's secret." } };
  } else if (def.authentication === "IP") {
    if (!inCidr(remote, def.authenticationConfiguration?.AllowedIPRange ?? "")) return { status: 403, body: { message: "The caller's address is not in the allowed range." } };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body).toString("utf8") || "{}");
  } catch {
    return { status: 400, body: { message: "The webhook payload is not JSON." } };
  }
  const p = engine.pipelines.get(def.targetPipeline!);
  if (!p) return { status: 404, body: { message: `The pipeline ${def.targetPipeline} does not exist.` } };
  // As the service does, `{Name}` in matchEquals stands for the target action's configuration property Name.
  const config = p.decl.stages?.[0]?.actions?.find((a) => a.name === def.targetAction)?.configuration ?? {};
  for (const f of def.filters ?? []) {
    const value = jsonPath(payload, f.jsonPath!);
    const want = f.matchEquals?.replace(/\{([^{}]+)\}/g, (whole, key: string) => (Object.hasOwn(config, key) ? config[key]! : whole));
    if (value === undefined || (want !== undefined && String(value) !== want)) return { status: 200, body: { message: "The payload does not match the webhook filters; nothing started." } };
  }
  w.lastTriggered = new Date();
  const e = engine.startExecution(p, { triggerType: "Webhook", triggerDetail: w.arn });
  return { status: 200, body: { pipelineExecutionId: e.id } };
}

function jsonPath(value: unknown, path: string): unknown {
  const parts = path.replace(/^\$\.?/, "").match(/[^.[\]'"]+/g) ?? [];
  let v: any = value;
  for (const part of parts) {
    if (v === null || typeof v !== "object") return undefined;
    v = v[part];
  }
  return v;
}

function inCidr(ip: string, cidr: string): boolean {
  const addr = ip.replace(/^::ffff:/, "");
  const [base, bits] = cidr.split("/") as [string, string?];
  const toInt = (s: string) => s.split(".").reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  if (!/^\d+(\.\d+){3}$/.test(addr) || !/^\d+(\.\d+){3}$/.test(base)) return false;
  const n = Number(bits ?? 32);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (toInt(addr) & mask) === (toInt(base) & mask);
}
