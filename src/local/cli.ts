#!/usr/bin/env node
/**
 * `codepipeline-local`: runs the local CodePipeline endpoint until interrupted.
 */
import { parseArgs } from "node:util";
import { startLocalCodePipeline, type LocalCredentials } from "./index.js";
import { ENDPOINT_URL_ENV } from "../generated/service.js";

/** The credentials the command accepts when none are given (documented in the help and the README). */
const DEFAULT_LOCAL_CREDENTIALS: LocalCredentials = { accessKeyId: "LOCALACCESSKEY", secretAccessKey: "LOCALSECRETKEY" };

const HELP = `Usage: codepipeline-local [options]

Runs a local CodePipeline endpoint on 127.0.0.1 that speaks the AWS API (awsJson1_1, SigV4).

Options:
  --port <n>               TCP port (default 7015; 0 picks a free one)
  --region <name>          region requests must be signed for (default: AWS_REGION or us-east-1)
  --account-id <12 digits> account id in ARNs (default 000000000000)
  --action-delay-ms <n>    how long AWS-owned actions take (default 1000)
  --job-acknowledge-timeout-ms <n>
                           how long a polled job waits for AcknowledgeJob before it is
                           handed out again (default 60000)
  --access-key-id <id>     access key to accept (with --secret-access-key)
  --secret-access-key <s>  its secret
  --env-credentials        accept the credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
  --start-on-create        start an execution when a pipeline is created, as AWS does
  --cors                   let browser pages of any origin call the endpoint (CORS)
  --cors-origin <origin>   let pages of this origin call it, e.g. http://localhost:5173 (repeatable)
  --quiet                  do not print one line per request
  -h, --help               show this help

Without credential options it accepts the access key LOCALACCESSKEY with the secret LOCALSECRETKEY.
`;

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        region: { type: "string" },
        "account-id": { type: "string" },
        "action-delay-ms": { type: "string" },
        "job-acknowledge-timeout-ms": { type: "string" },
        "access-key-id": { type: "string" },
        "secret-access-key": { type: "string" },
        "env-credentials": { type: "boolean" },
        "start-on-create": { type: "boolean" },
        cors: { type: "boolean" },
        "cors-origin": { type: "string", multiple: true },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`codepipeline-local: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const number = (name: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
    return n;
  };
  let credentials: LocalCredentials;
  let origin: string;
  const env = process.env;
  if (args["access-key-id"] !== undefined || args["secret-access-key"] !== undefined) {
    if (!args["access-key-id"] || !args["secret-access-key"]) throw new UsageError("--access-key-id and --secret-access-key go together");
    credentials = { accessKeyId: args["access-key-id"], secretAccessKey: args["secret-access-key"] };
    origin = "the ones given on the command line";
  } else if (args["env-credentials"]) {
    if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) throw new UsageError("--env-credentials needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    origin = "the ones in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY";
  } else {
    credentials = DEFAULT_LOCAL_CREDENTIALS;
    origin = "the default local credentials (see --help)";
  }
  const quiet = args.quiet ?? false;
  const corsOrigins = args["cors-origin"] ?? [];
  const cors = corsOrigins.length ? corsOrigins : args.cors ? true : undefined;
  const local = await startLocalCodePipeline({
    port: number("port", args.port, 7015),
    region: args.region ?? (env.AWS_REGION || "us-east-1"),
    accountId: args["account-id"],
    actionDelayMs: number("action-delay-ms", args["action-delay-ms"], 1000),
    jobAcknowledgeTimeoutMs: number("job-acknowledge-timeout-ms", args["job-acknowledge-timeout-ms"], 60_000),
    credentials,
    startExecutionOnCreate: args["start-on-create"] ?? false,
    cors,
    log: quiet ? undefined : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(
    [
      `CodePipeline (local) listening on ${local.endpoint}`,
      `  region ${local.region}, account ${local.accountId}`,
      `  accepts requests signed with ${origin}`,
      `  browser pages: ${cors === undefined ? "off (start with --cors to allow them)" : cors === true ? "any origin (CORS)" : corsOrigins.join(", ")}`,
      ``,
      `Point a client at it:`,
      `  new CodePipelineClient({ endpoint: "${local.endpoint}", region: "${local.region}", credentials })`,
      `  ${ENDPOINT_URL_ENV}=${local.endpoint} AWS_REGION=${local.region} node your-script.js`,
      `Press Ctrl+C to stop.`,
      ``,
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await local.close();
  return 0;
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`codepipeline-local: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
