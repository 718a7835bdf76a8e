// Credentials: the default chain in Node (environment, profile, credential_process, container
// endpoint served here on 127.0.0.1), its caching and refresh, and its errors.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AwsCredentialIdentity } from "@smithy/types";
import { CodePipelineClient, CredentialsProviderError, ListPipelinesCommand } from "../../src/index.js";
import type { CodePipelineClientConfig } from "../../src/config.js";
import { memoizeCredentials, REFRESH_WINDOW_MS } from "../../src/credentials.js";
import { KEYS, recorder, useSandbox } from "./helpers.js";

// The real chain, wrapped to see whether and how often it is loaded.
const chainLoads = vi.hoisted(() => ({ count: 0 }));
vi.mock("@aws-sdk/credential-provider-node", async (importOriginal) => {
  chainLoads.count++;
  return importOriginal();
});

const box = useSandbox();
const env = process.env;

/** Sends ListPipelines and returns the access key and session token the request was signed with. */
async function signedWith(client: CodePipelineClient, handler = recorderOf(client)) {
  await client.send(new ListPipelinesCommand({}));
  return { accessKeyId: handler.accessKey(), sessionToken: handler.requests.at(-1)!.headers["x-amz-security-token"] };
}
const handlers = new WeakMap<CodePipelineClient, ReturnType<typeof recorder>>();
const recorderOf = (c: CodePipelineClient) => handlers.get(c)!;
function client(config: CodePipelineClientConfig = {}) {
  const handler = recorder();
  const c = new CodePipelineClient({ region: "us-east-1", requestHandler: handler, ...config });
  handlers.set(c, handler);
  return c;
}
const failure = (c: CodePipelineClient) =>
  c.send(new ListPipelinesCommand({})).then(() => expect.fail("no error"), (e: Error) => e);

describe("explicit credentials", () => {
  it("are used as given, and the default chain is never loaded", async () => {
    chainLoads.count = 0;
    env.AWS_ACCESS_KEY_ID = "AKIDFROMENV";
    env.AWS_SECRET_ACCESS_KEY = "env-secret";
    const c = client({ credentials: KEYS });
    expect(await signedWith(c)).toEqual({ accessKeyId: KEYS.accessKeyId, sessionToken: undefined });
    const p = client({ credentials: async () => ({ ...KEYS, accessKeyId: "AKIDPROVIDED", sessionToken: "tok" }) });
    expect(await signedWith(p)).toEqual({ accessKeyId: "AKIDPROVIDED", sessionToken: "tok" });
    expect(chainLoads.count).toBe(0);
  });

  it("with a missing key are rejected without showing the secret", async () => {
    const err = await failure(client({ credentials: { accessKeyId: "", secretAccessKey: "very-secret-value" } }));
    expect(err).toBeInstanceOf(CredentialsProviderError);
    expect(err.message).toContain("Resolved credential object is not valid");
    expect(err.message).not.toContain("very-secret-value");
  });
});

describe("the default chain", () => {
  it("reads the environment, loading the chain only at the first call", async () => {
    chainLoads.count = 0;
    env.AWS_ACCESS_KEY_ID = "AKIDFROMENV";
    env.AWS_SECRET_ACCESS_KEY = "env-secret";
    env.AWS_SESSION_TOKEN = "env-token";
    const c = client();
    expect(chainLoads.count).toBe(0);
    expect(await signedWith(c)).toEqual({ accessKeyId: "AKIDFROMENV", sessionToken: "env-token" });
    expect(chainLoads.count).toBe(1);
  });

  it("reads the profile named by AWS_PROFILE, then by the profile option", async () => {
    box.write(
      ".aws/credentials",
      "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s0\n" +
        "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = s1\n" +
        "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s2\naws_session_token = dev-token\n",
    );
    expect((await signedWith(client())).accessKeyId).toBe("AKIDDEFAULT");
    env.AWS_PROFILE = "prod";
    expect((await signedWith(client())).accessKeyId).toBe("AKIDPROD");
    expect(await signedWith(client({ profile: "dev" }))).toEqual({ accessKeyId: "AKIDDEV", sessionToken: "dev-token" });
  });

  it("prefers AWS_PROFILE over keys in the environment, as v3 does", async () => {
    box.write(".aws/credentials", "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = s1\n");
    env.AWS_PROFILE = "prod";
    env.AWS_ACCESS_KEY_ID = "AKIDFROMENV";
    env.AWS_SECRET_ACCESS_KEY = "env-secret";
    const warn = vi.fn();
    const c = client({ logger: { debug() {}, info() {}, warn, error() {} } });
    expect((await signedWith(c)).accessKeyId).toBe("AKIDPROD");
  });

  it("runs a profile's credential_process", async () => {
    const script = box.write(
      "bin/creds.mjs",
      `console.log(JSON.stringify({ Version: 1, AccessKeyId: "AKIDPROCESS", SecretAccessKey: "p-secret",
         SessionToken: "p-token", Expiration: new Date(Date.now() + 3600e3).toISOString() }));`,
    );
    box.write(".aws/config", `[profile tool]\ncredential_process = "${process.execPath}" "${script}"\n`);
    const c = client({ profile: "tool" });
    expect(await signedWith(c)).toEqual({ accessKeyId: "AKIDPROCESS", sessionToken: "p-token" });
  });

  it("assumes a profile's role through STS, in the client's region", async () => {
    // a local STS: the chain's STS client honours AWS_ENDPOINT_URL_STS
    const calls: { auth: string; body: string }[] = [];
    const sts = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        calls.push({ auth: String(req.headers.authorization), body });
        res.setHeader("content-type", "text/xml");
        res.end(
          `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
            `<AccessKeyId>AKIDROLE</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken>` +
            `<Expiration>${new Date(Date.now() + 3600e3).toISOString()}</Expiration></Credentials>` +
            `<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/deploy/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>` +
            `</AssumeRoleResult></AssumeRoleResponse>`,
        );
      });
    });
    await new Promise<void>((r) => sts.listen(0, "127.0.0.1", r));
    try {
      env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
      box.write(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
      box.write(".aws/config", "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = base\n");
      const c = client({ region: "eu-west-1", profile: "deploy" });
      expect(await signedWith(c)).toEqual({ accessKeyId: "AKIDROLE", sessionToken: "role-token" });
      expect(calls).toHaveLength(1);
      expect(calls[0]!.body).toContain("Action=AssumeRole");
      expect(calls[0]!.auth).toMatch(/Credential=AKIDBASE\/\d+\/eu-west-1\/sts\//);
    } finally {
      await new Promise((r) => sts.close(r));
    }
  });
});

describe("the container credentials endpoint", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  /** Serves credentials on 127.0.0.1 that expire in `ttlMs`; a new key for each request. */
  async function serve(ttlMs: number) {
    const seen: IncomingHttpHeaders[] = [];
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          AccessKeyId: `AKIDCONTAINER${seen.length}`,
          SecretAccessKey: `container-secret-${seen.length}`,
          Token: `container-token-${seen.length}`,
          Expiration: new Date(Date.now() + ttlMs).toISOString(),
        }),
      );
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/creds`;
    env.AWS_CONTAINER_AUTHORIZATION_TOKEN = "pod-identity-token";
    return seen;
  }

  it("is asked once and its credentials are reused while they are fresh", async () => {
    const seen = await serve(60 * 60_000);
    const c = client();
    expect(await signedWith(c)).toEqual({ accessKeyId: "AKIDCONTAINER1", sessionToken: "container-token-1" });
    expect(await signedWith(c)).toEqual({ accessKeyId: "AKIDCONTAINER1", sessionToken: "container-token-1" });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toBe("pod-identity-token");
  });

  it("is asked again when the credentials expire within 5 minutes", async () => {
    const seen = await serve(REFRESH_WINDOW_MS - 60_000);
    const c = client();
    expect((await signedWith(c)).accessKeyId).toBe("AKIDCONTAINER1");
    expect((await signedWith(c)).accessKeyId).toBe("AKIDCONTAINER2");
    expect(seen).toHaveLength(2);
  });

  it("is asked once by concurrent first calls", async () => {
    const seen = await serve(60 * 60_000);
    const c = client();
    await Promise.all([1, 2, 3, 4].map(() => c.send(new ListPipelinesCommand({}))));
    expect(seen).toHaveLength(1);
    expect(new Set(recorderOf(c).requests.map((_, i) => recorderOf(c).accessKey(i)))).toEqual(new Set(["AKIDCONTAINER1"]));
  });
});

describe("when no source has credentials", () => {
  it("the call rejects with a CredentialsProviderError listing the sources tried and how to fix it", async () => {
    const err = (await failure(client())) as CredentialsProviderError;
    expect(err).toBeInstanceOf(CredentialsProviderError);
    expect(err.name).toBe("CredentialsProviderError");
    expect(err.message).toMatch(/^Could not load credentials from any source\. Tried, in order: /);
    const order = [
      "environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)",
      'shared ini profile "default" with keys, SSO or a role to assume (~/.aws/credentials, ~/.aws/config)',
      'credential_process of profile "default"',
      "web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)",
      "EC2 instance metadata service (skipped: AWS_EC2_METADATA_DISABLED is set)",
    ];
    const at = order.map((s) => err.message.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(err.message).toContain("pass the credentials option");
    expect(err.message).toContain("AWS_PROFILE");
    // the chain's own error is kept
    expect((err.cause as Error).message).toBe("Could not load credentials from any providers");
  });

  it("lists the container endpoint when it was tried", async () => {
    // refused before any request: plain http is allowed only to loopback and the container hosts
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://not-a-container-host.invalid/creds";
    const err = await failure(client());
    expect(err.message).toContain("container credentials endpoint of ECS or EKS");
  });

  it("says when the chosen profile is in neither file", async () => {
    box.write(".aws/config", "[profile other]\nregion = us-east-1\n");
    env.AWS_PROFILE = "ghost";
    const err = await failure(client());
    expect(err.message).toContain("environment variables (skipped: AWS_PROFILE is set)");
    expect(err.message).toContain('Profile "ghost" is in neither ~/.aws/config nor ~/.aws/credentials');
  });

  it("names the source that stopped the chain", async () => {
    box.write(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
    box.write(
      ".aws/config",
      "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n",
    );
    const err = await failure(client({ profile: "mfa" }));
    expect(err).toBeInstanceOf(CredentialsProviderError);
    expect(err.message).toMatch(/^Could not load credentials: the chain stopped at shared ini profile "mfa" .* which failed \(see cause\)/);
    expect((err.cause as Error).message).toContain("multi-factor authentication");
    expect(err.message).not.toContain("base-secret");
  });

  it("never shows a secret from the environment", async () => {
    env.AWS_SECRET_ACCESS_KEY = "secret-that-must-not-leak";
    env.AWS_SESSION_TOKEN = "token-that-must-not-leak";
    const err = await failure(client());
    expect(err).toBeInstanceOf(CredentialsProviderError);
    expect(err.message).not.toMatch(/must-not-leak/);
  });

  it("a later call tries again", async () => {
    const c = client();
    await failure(c);
    env.AWS_ACCESS_KEY_ID = "AKIDLATER";
    env.AWS_SECRET_ACCESS_KEY = "later-secret";
    expect((await signedWith(c)).accessKeyId).toBe("AKIDLATER");
  });
});

describe("memoizeCredentials", () => {
  const creds = (id: string, ttlMs?: number): AwsCredentialIdentity => ({
    accessKeyId: id,
    secretAccessKey: "s",
    ...(ttlMs === undefined ? {} : { expiration: new Date(Date.now() + ttlMs) }),
  });

  it("shares one lookup between concurrent first calls", async () => {
    let release!: () => void;
    const source = vi.fn(() => new Promise<AwsCredentialIdentity>((r) => (release = () => r(creds("A")))));
    const get = memoizeCredentials(source);
    const calls = [get(), get(), get()];
    release();
    expect((await Promise.all(calls)).map((c) => c.accessKeyId)).toEqual(["A", "A", "A"]);
    expect(source).toHaveBeenCalledTimes(1);
  });

  it("keeps credentials without expiry, and fresh ones, until forced", async () => {
    const source = vi.fn().mockResolvedValueOnce(creds("A")).mockResolvedValueOnce(creds("B", 3600e3));
    const get = memoizeCredentials(source);
    expect((await get()).accessKeyId).toBe("A");
    expect((await get()).accessKeyId).toBe("A");
    expect((await get({ forceRefresh: true })).accessKeyId).toBe("B");
    expect((await get()).accessKeyId).toBe("B");
    expect(source).toHaveBeenCalledTimes(2);
    expect(source).toHaveBeenLastCalledWith({ forceRefresh: true });
  });

  it("refreshes with forceRefresh within five minutes of expiry", async () => {
    const source = vi.fn().mockResolvedValueOnce(creds("A", REFRESH_WINDOW_MS - 1000)).mockResolvedValueOnce(creds("B", 3600e3));
    const get = memoizeCredentials(source);
    expect((await get()).accessKeyId).toBe("A");
    expect(source).toHaveBeenLastCalledWith(undefined);
    expect((await get()).accessKeyId).toBe("B");
    expect(source).toHaveBeenLastCalledWith({ forceRefresh: true });
  });

  it("keeps credentials that have not expired yet when a refresh fails", async () => {
    const source = vi
      .fn()
      .mockResolvedValueOnce(creds("A", 60_000))
      .mockRejectedValueOnce(new Error("endpoint down"))
      .mockResolvedValueOnce(creds("B", 3600e3));
    const get = memoizeCredentials(source);
    expect((await get()).accessKeyId).toBe("A");
    expect((await get()).accessKeyId).toBe("A");
    expect((await get()).accessKeyId).toBe("B");
  });

  it("fails when a refresh fails and the credentials have expired", async () => {
    const source = vi.fn().mockResolvedValueOnce(creds("A", -1000)).mockRejectedValueOnce(new Error("endpoint down"));
    const get = memoizeCredentials(source);
    await get();
    await expect(get()).rejects.toThrow("endpoint down");
  });

  it("does not cache a failed first lookup", async () => {
    const source = vi.fn().mockRejectedValueOnce(new Error("not yet")).mockResolvedValueOnce(creds("A"));
    const get = memoizeCredentials(source);
    await expect(get()).rejects.toThrow("not yet");
    expect((await get()).accessKeyId).toBe("A");
  });
});
