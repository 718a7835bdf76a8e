import { describe, it, expect, vi, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { transform } from "esbuild";
import type { EndpointV2, Logger } from "@smithy/types";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import cases from "./generated/endpoint-tests.js";
import { EndpointError, resolveEndpoint, type EndpointParameters } from "../src/endpoints.js";
import { normalizeRegion, resolveDefaultEndpoint } from "../src/region.js";
import { partitions } from "../src/generated/endpoint-rules.js";
// @ts-expect-error: a plain .mjs script without type declarations
import { PARTITIONS, rulesFile } from "../scripts/gen/endpoints.mjs";

// The v3 client this package replaces, for side-by-side checks.
const v3 = new CodePipelineClient({ region: "us-east-1" });
const v3Provider = v3.config.endpointProvider as (params: EndpointParameters) => EndpointV2;

type Outcome = { url: string } | { error: string };
const outcome = (f: () => { url: URL }): Outcome => {
  try {
    return { url: f().url.href };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

// The model's test cases predate partitions.json marking aws-iso and aws-iso-b as dual-stack
// capable. v3 (with the partition data it ships) resolves these four to URLs; so do we.
const modelIsStale: Record<string, string> = {
  "Region=us-iso-east-1 FIPS DualStack": "https://codepipeline-fips.us-iso-east-1.api.aws.ic.gov/",
  "Region=us-iso-east-1 DualStack": "https://codepipeline.us-iso-east-1.api.aws.ic.gov/",
  "Region=us-isob-east-1 FIPS DualStack": "https://codepipeline-fips.us-isob-east-1.api.aws.scloud/",
  "Region=us-isob-east-1 DualStack": "https://codepipeline.us-isob-east-1.api.aws.scloud/",
};

type Resolver = typeof resolveEndpoint;
/** A partition as scripts/gen/endpoints.mjs reads it. */
type PartitionData = { id: string; supportsFIPS: boolean; supportsDualStack: boolean };

const model = JSON.parse(readFileSync(new URL("../smithy/codepipeline-2015-07-09.json", import.meta.url), "utf8"));
const ruleSet = model.shapes["com.amazonaws.codepipeline#CodePipeline_20150709"].traits["smithy.rules#endpointRuleSet"];

/**
 * Loads src/endpoints.ts again over the rules compiled (as `npm run generate` does) from partition
 * data changed by `edit`: the generator folds away the checks the shipped data cannot fail, so other
 * data needs its own compiled rules.
 */
async function withPartitions(edit: (p: PartitionData) => Partial<PartitionData>): Promise<Resolver> {
  const source = rulesFile("", ruleSet, PARTITIONS.map((p: PartitionData) => ({ ...p, ...edit(p) })));
  const { code } = await transform(source, { loader: "ts", format: "cjs" });
  const module = { exports: {} };
  new Function("module", "exports", code)(module, module.exports);
  const rules = module.exports;
  vi.resetModules();
  vi.doMock("../src/generated/endpoint-rules.js", () => rules);
  try {
    return (await import("../src/endpoints.js")).resolveEndpoint;
  } finally {
    vi.doUnmock("../src/generated/endpoint-rules.js");
    vi.resetModules();
  }
}

describe("model endpoint test cases, over the partition data they were written for", () => {
  // aws-iso and aws-iso-b without dual-stack, as partitions.json had it when the tests were written.
  let resolve: Resolver;
  beforeAll(async () => {
    resolve = await withPartitions((p) => (p.id === "aws-iso" || p.id === "aws-iso-b" ? { supportsDualStack: false } : {}));
  });

  it.each(cases)("$name", ({ params, expect: want }) => {
    if ("url" in want) {
      expect(resolve(params).url.href).toBe(new URL(want.url).href);
    } else {
      // a fresh module instance, so a fresh EndpointError class: compare by name
      expect(() => resolve(params)).toThrow(expect.objectContaining({ name: "EndpointError" }));
      expect(() => resolve(params)).toThrow(want.error);
    }
  });
});

describe("model endpoint test cases, over the partition data v3 ships", () => {
  it("has all 49 cases, with unique names", () => {
    expect(cases).toHaveLength(49);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.filter((c) => !(c.name in modelIsStale)))("$name", ({ params, expect: want }) => {
    if ("url" in want) {
      expect(resolveEndpoint(params).url.href).toBe(new URL(want.url).href);
    } else {
      expect(() => resolveEndpoint(params)).toThrow(EndpointError);
      expect(() => resolveEndpoint(params)).toThrow(want.error);
    }
  });

  it.each(Object.entries(modelIsStale))("%s: resolves like v3, not like the stale model case", (name, url) => {
    const c = cases.find((x) => x.name === name)!;
    expect(c.expect).toHaveProperty("error"); // drop the entry once the model is updated
    expect(resolveEndpoint(c.params).url.href).toBe(url);
    expect(v3Provider(c.params).url.href).toBe(url);
  });
});

describe("parity with the v3 endpointProvider", () => {
  const regions = [
    // every named region of every partition
    ...["af-south-1", "ap-east-2", "ap-southeast-7", "aws-global", "ca-west-1", "eu-south-2", "il-central-1"],
    ...["me-central-1", "mx-central-1", "sa-west-1", "us-east-1", "us-west-2", "aws-cn-global", "cn-north-1"],
    ...["cn-northwest-1", "eusc-de-east-1", "aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
    ...["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1", "aws-iso-e-global", "eu-isoe-west-1"],
    ...["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1", "aws-us-gov-global", "us-gov-east-1"],
    ...["us-gov-west-1"],
    // unknown regions placed by the partition regexes, or falling back to aws
    ...["us-east-9", "cn-south-7", "eusc-de-west-2", "us-iso-north-1", "us-isob-south-2", "eu-isoe-east-3"],
    ...["us-isof-west-9", "us-gov-central-1", "xx-unknown-1", "local", "constructor", "toString"],
  ];
  const combos: EndpointParameters[] = regions.flatMap((Region) =>
    [false, true].flatMap((UseFIPS) => [false, true].map((UseDualStack) => ({ Region, UseFIPS, UseDualStack }))),
  );
  combos.push(
    { Endpoint: "http://localhost:4566/base/path", UseFIPS: false, UseDualStack: false },
    { Region: "eu-west-1", Endpoint: "https://proxy.example:8443", UseFIPS: false, UseDualStack: false },
    { Region: "eu-west-1", Endpoint: "https://x.example", UseFIPS: true, UseDualStack: true },
  );

  it.each(combos)("%j", (params) => {
    const ours = outcome(() => resolveEndpoint(params));
    const theirs = outcome(() => v3Provider(params));
    if ("url" in theirs) expect(ours).toEqual(theirs);
    else {
      expect(ours).toHaveProperty("error");
      expect((ours as { error: string }).error.startsWith(theirs.error)).toBe(true);
    }
  });
});

describe("error guidance", () => {
  const message = (params: EndpointParameters) => {
    try {
      resolveEndpoint(params);
    } catch (e) {
      expect(e).toBeInstanceOf(EndpointError);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe("EndpointError");
      return (e as Error).message;
    }
    throw new Error("expected resolveEndpoint to throw");
  };

  it("custom endpoint with FIPS: v3 text, then what to change", () => {
    expect(message({ Region: "us-east-1", UseFIPS: true, Endpoint: "https://example.com" })).toBe(
      "Invalid Configuration: FIPS and custom endpoint are not supported; set useFipsEndpoint to false or remove endpoint.",
    );
  });

  it("custom endpoint with dual-stack", () => {
    expect(message({ Region: "us-east-1", UseDualStack: true, Endpoint: "https://example.com" })).toBe(
      "Invalid Configuration: Dualstack and custom endpoint are not supported; set useDualstackEndpoint to false or remove endpoint.",
    );
  });

  it("missing region", () => {
    expect(message({})).toBe('Invalid Configuration: Missing Region; set region (e.g. "us-east-1") or endpoint.');
  });

  it("every error message of the model's test cases has guidance", () => {
    for (const c of cases) {
      if ("error" in c.expect && !(c.name in modelIsStale)) expect(message(c.params)).toMatch(/; set .+\.$/);
    }
  });

  it("invalid region: v3 text, then what to change", () => {
    expect(message({ Region: "us east 1" })).toBe(
      'Region not accepted: region="us east 1" is not a valid hostname component. Set region to a Region code such as "us-east-1".',
    );
    expect(message({ Region: "-us-east-1" })).toContain('region="-us-east-1" is not a valid hostname component.');
    expect(message({ Region: "" })).toContain('region="" is not a valid hostname component.');
  });

  it("a URL given as region points to endpoint", () => {
    expect(message({ Region: "http://localhost:4566" })).toBe(
      'Region not accepted: region="http://localhost:4566" is not a valid hostname component. Set region to a Region code such as "us-east-1"; to call a URL, set endpoint instead.',
    );
  });

  it("an endpoint that is not an http(s) URL", () => {
    expect(message({ Endpoint: "localhost:4566" })).toBe(
      'Invalid endpoint "localhost:4566": not an http(s) URL; set endpoint to a full URL such as "http://localhost:4566".',
    );
    expect(message({ Endpoint: "not a url" })).toContain('Invalid endpoint "not a url"');
  });

  it("an error rule without guidance stops generation", () => {
    const withNewError = { ...ruleSet, rules: [{ type: "error", conditions: [], error: "Something new went wrong" }] };
    expect(() => rulesFile("", withNewError, PARTITIONS)).toThrow(/"Something new went wrong" has no hint/);
  });

  it("a partition without FIPS or dual-stack: names the region and the option", async () => {
    // No partition v3 ships lacks either, so take them away.
    const resolve = await withPartitions(() => ({ supportsFIPS: false, supportsDualStack: false }));
    const msg = (params: EndpointParameters) => outcome(() => resolve(params));
    expect(msg({ Region: "us-isof-south-1", UseFIPS: true, UseDualStack: true })).toEqual({
      error:
        'FIPS and DualStack are enabled, but this partition does not support one or both (region "us-isof-south-1"); set useFipsEndpoint or useDualstackEndpoint to false.',
    });
    expect(msg({ Region: "eu-isoe-west-1", UseFIPS: true })).toEqual({
      error: 'FIPS is enabled but this partition does not support FIPS (region "eu-isoe-west-1"); set useFipsEndpoint to false.',
    });
    expect(msg({ Region: "us-iso-east-1", UseDualStack: true })).toEqual({
      error:
        'DualStack is enabled but this partition does not support DualStack (region "us-iso-east-1"); set useDualstackEndpoint to false.',
    });
    expect(() => resolve({ Region: "us-iso-east-1", UseDualStack: true })).toThrow(
      expect.objectContaining({ name: "EndpointError" }),
    );
  });
});

describe("resolveEndpoint", () => {
  it("is a v3-compatible endpointProvider", () => {
    const provider: (params: EndpointParameters, context?: { logger?: Logger }) => EndpointV2 = resolveEndpoint;
    expect(provider({ Region: "eu-west-1" }, {}).url.href).toBe("https://codepipeline.eu-west-1.amazonaws.com/");
  });

  it("treats missing booleans as false", () => {
    expect(resolveEndpoint({ Region: "cn-north-1" }).url.href).toBe("https://codepipeline.cn-north-1.amazonaws.com.cn/");
  });

  it("keeps a custom endpoint's path and port", () => {
    expect(resolveEndpoint({ Endpoint: "http://localhost:4566/x" }).url.href).toBe("http://localhost:4566/x");
  });
});

describe("normalizeRegion", () => {
  it.each([
    ["fips-us-east-1", "us-east-1", true],
    ["us-east-1-fips", "us-east-1", true],
    ["fips-us-gov-west-1", "us-gov-west-1", true],
    ["fips-dkr-us-east-2", "us-east-2", true],
    ["fips-prod-us-west-1", "us-west-1", true],
    ["fips-aws-global", "us-east-1", true],
    ["aws-fips", "us-east-1", true],
    ["us-east-1", "us-east-1", false],
  ])("%s -> %s (FIPS %s)", async (input, region, useFips) => {
    expect(normalizeRegion(input)).toEqual({ region, useFips });
    // as v3's region config does
    const c = new CodePipelineClient({ region: input });
    expect(await c.config.region()).toBe(region);
    expect(await c.config.useFipsEndpoint()).toBe(useFips);
  });

  it("keeps a configured useFips unless the region turns FIPS on", () => {
    expect(normalizeRegion("us-east-1", true)).toEqual({ region: "us-east-1", useFips: true });
    expect(normalizeRegion("us-east-1", false)).toEqual({ region: "us-east-1", useFips: false });
    expect(normalizeRegion("us-east-1-fips", false)).toEqual({ region: "us-east-1", useFips: true });
  });

  it("feeds resolveEndpoint", () => {
    const { region, useFips } = normalizeRegion("fips-us-west-2");
    expect(resolveEndpoint({ Region: region, UseFIPS: useFips }).url.href).toBe(
      "https://codepipeline-fips.us-west-2.amazonaws.com/",
    );
  });
});

describe("the client's default provider (the standard endpoint inline, the rules otherwise)", () => {
  const regions = [
    // the named regions of partitions other than aws (alternatives in their partition's regex)
    "aws-cn-global", "aws-iso-global", "aws-iso-b-global", "aws-iso-e-global", "aws-iso-f-global", "aws-us-gov-global",
    "us-east-1", "eu-west-1", "ap-southeast-5", "il-central-1", "mx-central-1", "cn-north-1", "us-gov-west-1",
    "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1", "aws-global",
    "us_east-1", "us-east_x-1", `us-${"a".repeat(60)}-1`, "US-EAST-1", "us-east-1-", "xx-east-1", "", "fips-us-east-1",
  ];
  const params: EndpointParameters[] = [
    ...cases.map((c) => c.params as EndpointParameters),
    ...regions.flatMap((Region) =>
      [false, true].flatMap((UseFIPS) => [false, true].map((UseDualStack) => ({ Region, UseFIPS, UseDualStack }))),
    ),
    { Region: "us-east-1", Endpoint: "https://example.test/base" },
    { Region: "us-east-1", Endpoint: "ftp://example.test" },
  ];

  it("gives what resolveEndpoint gives, for every case", async () => {
    expect(partitions[0]![0].test("us-east-1")).toBe(true);
    for (const p of params) {
      const want = outcome(() => resolveEndpoint(p));
      let got: Outcome;
      try {
        got = { url: (await resolveDefaultEndpoint(p)).url.href };
      } catch (e) {
        got = { error: (e as Error).message };
      }
      expect(got, JSON.stringify(p)).toEqual(want);
    }
  });
});
