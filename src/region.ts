import { standardEndpoint, standardRegion } from "./generated/endpoint-standard.js";
import type { EndpointParameters } from "./endpoints.js";

/**
 * v3's region normalisation: `fips-X` and `X-fips` mean region X with FIPS on
 * ("fips-aws-global" and "aws-fips" mean us-east-1). `useFips` is the configured value,
 * returned unchanged unless the region turns FIPS on.
 */
export function normalizeRegion(region: string, useFips = false): { region: string; useFips: boolean } {
  if (!/^fips-|-fips$/.test(region)) return { region, useFips };
  return {
    region:
      region === "fips-aws-global" || region === "aws-fips" ? "us-east-1" : region.replace(/fips-(dkr-|prod-)?|-fips/, ""),
    useFips: true,
  };
}

/** A region that is a valid host label (as the rules check it) in the first partition. */
const isStandard = (region: string | undefined): region is string => !!region && /^[a-zA-Z0-9-]{1,63}$/.test(region) && standardRegion.test(region);

/**
 * The client's default endpoint provider: the standard `https://codepipeline.<region>.amazonaws.com`
 * inline; the endpoint rules, loaded on first need, for a custom endpoint, FIPS, dual-stack or another
 * partition. Gives what `resolveEndpoint` gives (a test compares them).
 */
export const resolveDefaultEndpoint = async (params: EndpointParameters): Promise<{ url: URL }> =>
  params.Endpoint == null && !params.UseFIPS && !params.UseDualStack && isStandard(params.Region)
    ? { url: new URL(standardEndpoint(params.Region)) }
    : (await import("./endpoints.js")).resolveEndpoint(params);
