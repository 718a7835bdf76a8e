/**
 * The client's signer (on SignatureV4Base) against @smithy/signature-v4's full SignatureV4:
 * for every operation's real request, with each hash the client uses (node:crypto in Node,
 * WebCrypto in browsers, and the @aws-crypto/sha256-js fallback where crypto.subtle is missing),
 * the signed headers must be byte-identical.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import type { HttpRequest } from "@smithy/types";
import * as commands from "../../commands/index.js";
import { samples } from "../generated/samples.js";
import { RequestSigner } from "../../src/signer.js";
import { NodeSha256 } from "../../src/runtime/node-sha256.js";
import { NodeRequestSigner } from "../../src/runtime/node-signer.js";
import { WebSha256 } from "../../src/runtime/web-sha256.js";
import { CREDENTIALS, REGION, clientWith, fakeHandler } from "./helpers.js";

/** Stands for NodeRequestSigner with its default hash in the tables below. */
const ONE_SHOT = Symbol("one-shot");
const commandOf = (op: string) => (commands as unknown as Record<string, new (input?: object) => any>)[op + "Command"]!;
const table = Object.entries(samples as unknown as Record<string, { input: object; outputWire: object }>);

/** The request each operation sends, as it is before signing (what the signing middleware is given). */
async function unsignedRequests(): Promise<Array<[string, HttpRequest]>> {
  const out: Array<[string, HttpRequest]> = [];
  for (const [op, sample] of table) {
    const handler = fakeHandler({ body: sample.outputWire });
    await clientWith(handler).send(new (commandOf(op))(structuredClone(sample.input)));
    const req = handler.requests[0]!;
    const headers = { ...req.headers };
    for (const h of ["authorization", "x-amz-date", "x-amz-content-sha256"]) delete headers[h];
    out.push([op, { ...req, headers }]);
  }
  return out;
}

const hashes = {
  "node:crypto": NodeSha256,
  "WebCrypto (crypto.subtle)": WebSha256,
  "@aws-crypto/sha256-js": Sha256,
  // Node's signer: one-shot node:crypto digests and its own canonical headers
  "node:crypto one-shot": ONE_SHOT,
} as const;

const signingDate = new Date("2026-03-04T05:06:07.890Z");
const reference = (credentials: object = CREDENTIALS) =>
  new SignatureV4({ credentials: credentials as typeof CREDENTIALS, region: REGION, service: "codepipeline", sha256: Sha256, uriEscapePath: true, applyChecksum: true });
const ours = (sha256: any, credentials: object = CREDENTIALS) => {
  const Signer = sha256 === ONE_SHOT ? NodeRequestSigner : RequestSigner;
  return new Signer({ credentials: credentials as typeof CREDENTIALS, region: REGION, service: "codepipeline", sha256: sha256 === ONE_SHOT ? NodeSha256 : sha256, uriEscapePath: true, applyChecksum: true });
};

const signedBy = async (signer: { sign(r: HttpRequest, o: object): Promise<unknown> }, req: HttpRequest, options: object = {}) => {
  const copy = { ...req, headers: { ...req.headers }, query: { ...req.query } };
  const signed = (await signer.sign(copy, { signingDate, ...options })) as HttpRequest;
  expect(copy.headers).toEqual(req.headers); // the request given is left as it was
  return { headers: signed.headers, query: signed.query, path: signed.path, body: signed.body, hostname: signed.hostname };
};

afterEach(() => vi.unstubAllGlobals());

describe("signatures are byte-identical to SignatureV4", () => {
  it("for every operation's request, with each hash", async () => {
    const requests = await unsignedRequests();
    expect(requests).toHaveLength(44);
    for (const [op, req] of requests) {
      const expected = await signedBy(reference(), req);
      expect(expected.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260304\//);
      for (const [name, hash] of Object.entries(hashes)) expect(await signedBy(ours(hash), req), `${op} with ${name}`).toEqual(expected);
    }
  });

  it("through the sha256-js fallback when crypto.subtle is missing", async () => {
    const requests = await unsignedRequests();
    const expected = await Promise.all(requests.map(([, req]) => signedBy(reference(), req)));
    vi.stubGlobal("crypto", { getRandomValues: (a: Uint8Array) => a });
    expect(globalThis.crypto.subtle).toBeUndefined();
    for (const [i, [op, req]] of requests.entries()) expect(await signedBy(ours(WebSha256), req), op).toEqual(expected[i]);
  });

  const base: HttpRequest = {
    method: "POST",
    protocol: "https:",
    hostname: "codepipeline.eu-west-1.amazonaws.com",
    path: "/",
    query: {},
    headers: { host: "codepipeline.eu-west-1.amazonaws.com", "content-type": "application/x-amz-json-1.1", "X-Amz-Target": "CodePipeline_20150709.ListPipelines" },
    body: "{}",
  } as HttpRequest;
  const cases: Array<[string, HttpRequest, object?, object?]> = [
    ["a session token", base, { ...CREDENTIALS, sessionToken: "token/with+chars==" }],
    ["a non-ASCII body", { ...base, body: '{"name":"pipeline-é-✓-😀"}' }],
    ["a byte body", { ...base, body: new TextEncoder().encode('{"maxResults":5}') }],
    ["no body", { ...base, body: undefined }],
    ["a stale authorization, date and x-amz-date", { ...base, headers: { ...base.headers, Authorization: "old", date: "x", "X-Amz-Date": "y" } }],
    ["a given payload hash", { ...base, headers: { ...base.headers, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" } }],
    ["a query and a path with segments", { ...base, path: "/a b/./c/../d/", query: { b: "2", a: ["x y", "1"] } } as HttpRequest],
    ["unsignable and blank-padded headers", { ...base, headers: { ...base.headers, "user-agent": "ua", "x-amzn-trace-id": "  Root=1  2 ", "X-Forwarded-For": "1.2.3.4" } }],
    ["another region and service", base, undefined, { signingRegion: "us-west-2", signingService: "other" }],
    ["one header in two cases", { ...base, headers: { ...base.headers, "x-amz-target": "a", "X-AMZ-TARGET": "b" } }],
    ["tabs, line breaks, runs of blanks and an empty value", { ...base, headers: { ...base.headers, "x-a": "a\tb", "x-b": "a\r\nb  c ", "x-c": "", "x-d": " d" } }],
    ["unsignable and signable header options", base, undefined, { unsignableHeaders: new Set(["x-amz-target"]), signableHeaders: new Set(["content-type"]) }],
  ];
  it.each(cases)("with %s, with each hash", async (_, req, credentials, options) => {
    const expected = await signedBy(reference(credentials), req, options);
    for (const [name, hash] of Object.entries(hashes)) expect(await signedBy(ours(hash, credentials), req, options), name).toEqual(expected);
    vi.stubGlobal("crypto", {});
    expect(await signedBy(ours(WebSha256, credentials), req, options), "sha256-js fallback").toEqual(expected);
  });

  it.each([NodeSha256, ONE_SHOT])("one signer keeps its signing key only while the secret key and scope stay the same (%s)", async (hash) => {
    const creds = { ...CREDENTIALS };
    const signer = ours(hash, () => Promise.resolve(creds));
    const check = async (options: object = {}, req: HttpRequest = base) =>
      expect(await signedBy(signer, req, options)).toEqual(await signedBy(reference({ ...creds }), req, options));
    await check();
    await check();
    creds.secretAccessKey = "rotated-secret"; // the same object, changed
    await check();
    Object.assign(creds, { sessionToken: "new-token" });
    await check();
    creds.accessKeyId = "AKIDOTHER"; // the key is derived from the secret and scope alone
    await check();
    await check({ signingDate: new Date("2026-03-05T00:00:01Z") });
    // the dates, formatted once per second, follow the clock within and across seconds
    await check({ signingDate: new Date("2026-03-05T00:00:01.999Z") });
    await check({ signingDate: new Date("2026-03-05T00:00:02.000Z") });
    await check({ signingDate: new Date("2026-03-05T00:00:01.500Z") });
    // another path and a query, then the first path again
    await check({}, { ...base, path: "/a/./b/../c d/", query: { x: "1 2" } } as HttpRequest);
    await check();
    await check({ signingRegion: "us-west-2" });
  });

  it("gives a custom sha256 bytes only, as the Checksum interface says, and signs as SignatureV4 does", async () => {
    const given: string[] = [];
    class BytesOnly extends Sha256 {
      override update(data: Uint8Array): void {
        given.push(Object.prototype.toString.call(data));
        if (!(data instanceof Uint8Array)) throw new TypeError("this hash takes bytes only");
        super.update(data);
      }
    }
    const creds = { ...CREDENTIALS, secretAccessKey: "another-secret" }; // a key not derived before
    expect(await signedBy(ours(BytesOnly, creds), base)).toEqual(await signedBy(reference(creds), base));
    expect(given.length).toBeGreaterThan(4);
    expect(new Set(given)).toEqual(new Set(["[object Uint8Array]"]));
  });

  it("rejects invalid credentials as SignatureV4 does", async () => {
    await expect(ours(NodeSha256, { accessKeyId: 1 }).sign(base)).rejects.toThrow("Resolved credential object is not valid");
  });
});
