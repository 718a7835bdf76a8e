import {
  ALGORITHM_IDENTIFIER,
  GENERATED_HEADERS,
  KEY_TYPE_IDENTIFIER,
  SHA256_HEADER,
  SignatureV4Base,
  type SignatureV4CryptoInit,
  type SignatureV4Init,
  createScope,
  getCanonicalHeaders,
  getPayloadHash,
} from "@smithy/signature-v4";
import { toHex, toUint8Array } from "@smithy/core/serde";
import type { AwsCredentialIdentity, HttpRequest, RequestSigningArguments } from "@smithy/types";
import { hasHeader } from "./middleware/headers.js";

/**
 * SigV4 request signing on `@smithy/signature-v4`'s `SignatureV4Base` and its exported helpers:
 * the same canonical request, string to sign and signing key as its `SignatureV4.sign(request)`,
 * so signatures are byte-identical, without presigning and event-stream signing, which this
 * client never uses (they take about 2 KB gzipped of a browser bundle).
 */
export class RequestSigner extends SignatureV4Base {
  constructor(init: SignatureV4Init & SignatureV4CryptoInit) {
    super(init);
  }

  /** What the kept signing key was derived from: the secret key and the scope. */
  #keyOf = "";
  #key?: Promise<Uint8Array>;

  /**
   * The signing key, kept for the last secret key and scope (the access key id and session token
   * do not enter it). Derived here as SigV4 (and @smithy/signature-v4's getSigningKey) derives it:
   * getSigningKey first hashes the credentials on every call for its own module-wide cache, and
   * that cache costs about 0.1 KB gzipped in browsers.
   */
  #signingKey(secret: string, shortDate: string, region: string, service: string): Promise<Uint8Array> {
    const keyOf = `${secret}\n${shortDate}/${region}/${service}`;
    if (!this.#key || keyOf !== this.#keyOf) {
      this.#keyOf = keyOf;
      this.#key = this.#deriveKey(`AWS4${secret}`, [shortDate, region, service, KEY_TYPE_IDENTIFIER]);
      this.#key.catch(() => (this.#key = undefined));
    }
    return this.#key;
  }

  /** HMAC-SHA256 chained over the parts, starting from `secret`. */
  async #deriveKey(secret: string, parts: string[]): Promise<Uint8Array> {
    let key: string | Uint8Array = secret;
    for (const part of parts) key = await this.#hmac(key, part);
    return key as Uint8Array;
  }

  /** HMAC-SHA256; the data goes in as UTF-8 bytes, as a `Checksum` takes it. */
  #hmac(key: string | Uint8Array, data: string): Promise<Uint8Array> {
    const hash = new this.sha256(key);
    hash.update(toUint8Array(data));
    return hash.digest();
  }

  async sign(toSign: HttpRequest, options: RequestSigningArguments = {}): Promise<HttpRequest> {
    const { signingDate = new Date(), signableHeaders, unsignableHeaders, signingRegion, signingService } = options;
    const credentials: AwsCredentialIdentity = await this.credentialProvider();
    this.validateResolvedCredentials(credentials);
    const region = signingRegion ?? (await this.regionProvider());
    // a copy without the headers signing writes (as the full signer's prepareRequest)
    const headers: Record<string, string> = {};
    for (const name in toSign.headers) if (!GENERATED_HEADERS.includes(name.toLowerCase())) headers[name] = toSign.headers[name]!;
    const request = { ...toSign, headers, query: { ...toSign.query } } as HttpRequest;
    const { longDate, shortDate } = this.formatDate(signingDate);
    const service = signingService ?? this.service;
    const scope = createScope(shortDate, region, service);
    headers["x-amz-date"] = longDate;
    if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
    const payloadHash = await this.payloadHash(request);
    // the client's own any-case header lookup, as signature-v4's hasHeader
    if (this.applyChecksum && !hasHeader(headers, SHA256_HEADER)) headers[SHA256_HEADER] = payloadHash;
    const canonical = this.canonicalHeaders(request, unsignableHeaders, signableHeaders);
    const stringToSign = await this.createStringToSign(
      longDate,
      scope,
      this.createCanonicalRequest(request, canonical, payloadHash),
      ALGORITHM_IDENTIFIER,
    );
    headers.authorization =
      `${ALGORITHM_IDENTIFIER} Credential=${credentials.accessKeyId}/${scope}, ` +
      `SignedHeaders=${this.getCanonicalHeaderList(canonical)}, Signature=${await this.hmacHex(await this.#signingKey(credentials.secretAccessKey, shortDate, region, service), stringToSign)}`;
    return request;
  }

  /** The body's hex SHA-256 (or the `x-amz-content-sha256` header's value), as `getPayloadHash`. */
  protected payloadHash(request: HttpRequest): Promise<string> | string {
    return getPayloadHash(request, this.sha256);
  }

  /** The headers to sign, lower-cased with their values trimmed, as `getCanonicalHeaders`. */
  protected canonicalHeaders(request: HttpRequest, unsignable?: Set<string>, signable?: Set<string>): Record<string, string> {
    return getCanonicalHeaders(request, unsignable, signable);
  }

  /** The hex HMAC-SHA256 of `data` under `key`. */
  protected async hmacHex(key: Uint8Array, data: string): Promise<string> {
    return toHex(await this.#hmac(key, data));
  }
}

