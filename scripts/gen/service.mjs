// The service's own facts, read from the model's service shape.
//
// Output: src/generated/service.ts, the one place the runtime (client, signer, protocol, local endpoint,
// tracing, Node config lookup) takes the service's names from.
import { literal } from "./lib.mjs";

const fail = (message) => {
  throw Object.assign(new Error(`scripts/gen/service.mjs: ${message}`), { exitCode: 1 });
};

export default function generate(ctx) {
  const { service, serviceId } = ctx;
  const api = service.traits?.["aws.api#service"] ?? fail("the service has no aws.api#service trait");
  const sigv4 = service.traits?.["aws.auth#sigv4"] ?? fail("the service has no aws.auth#sigv4 trait");
  const namespace = serviceId.slice(0, serviceId.indexOf("#") + 1);
  const json = Object.keys(service.traits).map((t) => /^aws\.protocols#awsJson(\d)_(\d)$/.exec(t)).find(Boolean);
  if (!json) fail("the service's protocol is not awsJson1_0 or awsJson1_1, the one the runtime speaks");
  const facts = [
    ["SERVICE_ID", api.sdkId, "The service's SDK id (`aws.api#service` sdkId): v3's `serviceId`, span and user-agent names."],
    ["API_VERSION", service.version, "The API version (the service shape's `version`)."],
    ["SIGNING_NAME", sigv4.name, "The SigV4 signing name (`aws.auth#sigv4`)."],
    ["ENDPOINT_PREFIX", api.endpointPrefix, "The endpoint prefix (`aws.api#service` endpointPrefix)."],
    ["TARGET_PREFIX", ctx.short(serviceId) + ".", "`x-amz-target` is this prefix and the operation name (awsJson1_1)."],
    ["ERROR_NAMESPACE", namespace, "Shape ids of the service's errors start with this namespace."],
    // as v3 derives them from the SDK id
    ["ENDPOINT_URL_ENV", "AWS_ENDPOINT_URL_" + api.sdkId.toUpperCase().replace(/ /g, "_"), "The service's own endpoint URL variable."],
    ["SERVICES_KEY", api.sdkId.toLowerCase().replace(/ /g, "_"), "The service's key in a shared config `[services name]` section."],
    ["CONTENT_TYPE", `application/x-amz-json-${json[1]}.${json[2]}`, "Content type of requests and responses (the service's awsJson protocol)."],
  ];
  for (const [name, value] of facts) if (typeof value !== "string" || !value) fail(`no value for ${name}`);
  let out = `${ctx.marker}\n`;
  for (const [name, value, doc] of facts) out += `\n/** ${doc} */\nexport const ${name} = ${literal(value)};\n`;
  return [{ path: "src/generated/service.ts", content: out }];
}
