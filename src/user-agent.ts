import type { UserAgent } from "@smithy/types";

/**
 * One user-agent section, escaped as v3 does: characters a header token does not allow become
 * `-` (`/` kept in the name, `#` in the version); the version is joined with `/` to a plain name
 * and with `#` to a `prefix/name`, and an `api/` name is lower-cased.
 */
export const uaPair = (rawName: string, rawVersion?: string): string => {
  const name = rawName.replace(/[^!$%&'*+\-.^_`|~\w/]/g, "-");
  const sep = name.indexOf("/");
  // substring, as v3: no "/" means no prefix
  const prefix = name.substring(0, sep);
  const uaName = name.slice(sep + 1);
  const parts = [prefix, prefix === "api" ? uaName.toLowerCase() : uaName, rawVersion?.replace(/[^!$%&'*+\-.^_`|~\w#]/g, "-")];
  return parts.filter((p) => !!p).map((p, i) => (i ? (i > 1 ? "#" : "/") + p : p)).join("");
};

/**
 * The user-agent sections a client adds: ` app/<id>` for `userAgentAppId` and one section per
 * `customUserAgent` pair (a string is one name without a version, as in v3), each with its leading space.
 */
export const customPairs = (custom: string | UserAgent | undefined, appId: string | undefined): [app: string, extra: string] => [
  appId ? ` ${uaPair("app", appId)}` : "",
  (typeof custom === "string" ? [[custom]] : (custom ?? [])).map(([k, v]) => " " + uaPair(k!, v)).join(""),
];
