import crypto from "node:crypto";
import { SHA256_HEADER, SignatureV4Base, getCanonicalHeaders, getCanonicalQuery, hasHeader } from "@smithy/signature-v4";
import type { HttpRequest } from "@smithy/types";
import { RequestSigner } from "../signer.js";
import { NodeSha256 } from "./node-sha256.js";

/** Hex SHA-256 in one call: `crypto.hash` where Node has it (20.12+), which makes no hash object. */
const sha256Hex: (data: string) => string =
  typeof crypto.hash === "function"
    ? (data) => crypto.hash("sha256", data, "hex")
    : (data) => crypto.createHash("sha256").update(data).digest("hex");

/** `SignatureV4Base`'s own path canonicalization (private in its types). */
const canonicalPath = (SignatureV4Base.prototype as unknown as { getCanonicalPath(r: HttpRequest): string }).getCanonicalPath;

/** Header name -> its canonical (lower-case) name, or "" when SigV4 leaves it unsigned. */
const names = new Map<string, string>();

/**
 * The signer in Node: with the default hash (node:crypto), hex digests come straight from
 * node:crypto (no `Checksum` object, no byte copies, no hex conversion in JS) and the canonical
 * headers skip the work that changes nothing; the canonical request, string to sign and
 * signature stay byte-identical to `@smithy/signature-v4`'s. A `sha256` of the caller's own
 * goes through `RequestSigner` unchanged.
 */
export class NodeRequestSigner extends RequestSigner {
  readonly #fast = this.sha256 === NodeSha256;
  #second = NaN;
  #date!: { longDate: string; shortDate: string };
  #path?: string;
  #canonicalPath = "";
  #listOf?: object;
  #list = "";

  /** The dates of the signature change once a second: formatted once per second (`toISOString` and two regular expressions otherwise). */
  override formatDate(now: Date): { longDate: string; shortDate: string } {
    const second = Math.floor(now.getTime() / 1000);
    if (second !== this.#second) {
      this.#date = super.formatDate(now);
      this.#second = second;
    }
    return this.#date;
  }

  /**
   * As `SignatureV4Base`'s, with the canonical path of the last path kept (every call of a client goes
   * to one path), no work for an empty query, and the headers sorted once for the request and the
   * signed-headers list.
   */
  override createCanonicalRequest(request: HttpRequest, canonical: Record<string, string>, payloadHash: string): string {
    if (request.path !== this.#path) {
      this.#canonicalPath = canonicalPath.call(this, request);
      this.#path = request.path;
    }
    let query = "";
    for (const _ in request.query) {
      query = getCanonicalQuery(request);
      break;
    }
    const sorted = Object.keys(canonical).sort();
    let lines = "";
    for (const name of sorted) lines += `${name}:${canonical[name]}\n`;
    this.#listOf = canonical;
    this.#list = sorted.join(";");
    return `${request.method}\n${this.#canonicalPath}\n${query}\n${lines}\n${this.#list}\n${payloadHash}`;
  }

  override getCanonicalHeaderList(headers: object): string {
    return headers === this.#listOf ? this.#list : super.getCanonicalHeaderList(headers);
  }

  protected override payloadHash(request: HttpRequest): Promise<string> | string {
    return this.#fast && typeof request.body === "string" && !hasHeader(SHA256_HEADER, request.headers)
      ? sha256Hex(request.body)
      : super.payloadHash(request);
  }

  override async createStringToSign(longDate: string, scope: string, canonicalRequest: string, algorithm: string): Promise<string> {
    return this.#fast ? `${algorithm}\n${longDate}\n${scope}\n${sha256Hex(canonicalRequest)}` : super.createStringToSign(longDate, scope, canonicalRequest, algorithm);
  }

  protected override hmacHex(key: Uint8Array, data: string): Promise<string> {
    return this.#fast ? Promise.resolve(crypto.createHmac("sha256", key).update(data).digest("hex")) : super.hmacHex(key, data);
  }

  /**
   * As `getCanonicalHeaders`, which sorts the names and runs three regular expressions over every
   * value: whether a name is signed is asked of it once per name, and a value is only normalized
   * when it holds a line break, a tab, two spaces in a row or a blank at either end.
   */
  protected override canonicalHeaders(request: HttpRequest, unsignable?: Set<string>, signable?: Set<string>): Record<string, string> {
    if (unsignable || signable) return super.canonicalHeaders(request, unsignable, signable);
    const out: Record<string, string> = {};
    const { headers } = request;
    for (const name of Object.keys(headers)) {
      const value = headers[name];
      if (value == null) continue;
      let lower = names.get(name);
      if (lower === undefined) {
        lower = name.toLowerCase();
        if (!(lower in getCanonicalHeaders({ headers: { [name]: "" } } as unknown as HttpRequest))) lower = "";
        if (names.size < 200) names.set(name, lower);
      }
      // the same name twice in different cases, an odd value or name: as the helper does it
      if (lower === "__proto__" || typeof value !== "string" || (lower && out[lower] !== undefined))
        return super.canonicalHeaders(request, unsignable, signable);
      if (lower) out[lower] = /[\r\n\t]|^ | $| {2}/.test(value) ? super.canonicalHeaders({ headers: { [name]: value } } as unknown as HttpRequest)[lower]! : value;
    }
    return out;
  }
}
