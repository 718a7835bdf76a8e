import { describe, expect, it } from "vitest";
import { ListWebhooksCommand, PutWebhookCommand } from "../../src/index.js";
import { clientWith, fakeHandler } from "./helpers.js";

const SECRET = "gh-webhook-secret-7f3a9c";

const webhook = {
  name: "hook",
  targetPipeline: "p",
  targetAction: "Source",
  filters: [{ jsonPath: "$.ref", matchEquals: "refs/heads/main" }],
  authentication: "GITHUB_HMAC" as const,
  authenticationConfiguration: { SecretToken: SECRET },
};

describe("webhook secret tokens in logs", () => {
  it("are redacted in the logged input and output, though the model does not mark them sensitive", async () => {
    const lines: unknown[] = [];
    const logger = { debug() {}, info: (x: unknown) => lines.push(x), warn() {}, error: (x: unknown) => lines.push(x) };
    const handler = fakeHandler((req) =>
      String(req.headers["x-amz-target"]).endsWith("PutWebhook")
        ? { body: { webhook: { definition: webhook, url: "https://hook", arn: "arn:hook" } } }
        : { body: { webhooks: [{ definition: webhook, url: "u" }] } },
    );
    const client = clientWith(handler, { logger });
    const out = await client.send(new PutWebhookCommand({ webhook }));
    await client.send(new ListWebhooksCommand({}));
    // the caller still gets the value, and the service gets it on the wire
    expect(out.webhook?.definition?.authenticationConfiguration?.SecretToken).toBe(SECRET);
    expect(String(handler.requests[0]!.body)).toContain(SECRET);
    const logged = JSON.stringify(lines);
    expect(lines).toHaveLength(2);
    expect(logged).not.toContain(SECRET);
    expect(logged).toContain("***SensitiveInformation***");
  });
});
