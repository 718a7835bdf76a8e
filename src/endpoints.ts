// Endpoint resolution: the model's rule set, compiled by scripts/gen/endpoints.mjs into
// ./generated/endpoint-rules.ts (with what to change for each of its errors), plus partition lookup
// and region checks. Same contract as a v3 `endpointProvider`. The client loads this module (a lazy
// chunk in bundles) only for endpoints other than the standard one (see resolveDefaultEndpoint in region.ts).
import { evaluateRules, partitions, type Partition } from "./generated/endpoint-rules.js";

/** Endpoint rule parameters (names as in the rule set and in v3). */
export interface EndpointParameters {
  /** The region code, e.g. `us-east-1`. */
  Region?: string;
  /** Resolve a FIPS endpoint. */
  UseFIPS?: boolean;
  /** Resolve a dual-stack (IPv4 and IPv6) endpoint. */
  UseDualStack?: boolean;
  /** A custom endpoint URL, used as given instead of the rules' answer. */
  Endpoint?: string;
}

/** Thrown when no endpoint can be resolved from the parameters. */
export class EndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EndpointError";
  }
}

// A single DNS label, as @smithy/core's isValidHostLabel (and v3's region check).
const hostLabel = /^(?!.*-$)(?!-)[a-zA-Z0-9-]{1,63}$/;

/** The `aws.partition` function of the rules engine. */
const partition = (region: string): Partition => (partitions.find(([re]) => re.test(region)) ?? partitions[0]!)[1];

/**
 * Resolves the endpoint for the given parameters; a v3-compatible `endpointProvider`.
 * Throws EndpointError with v3's message followed by what to change.
 */
export function resolveEndpoint(params: EndpointParameters, _context?: { logger?: unknown }): { url: URL } {
  const { Region } = params;
  if (Region != null && !hostLabel.test(Region)) {
    throw new EndpointError(
      `Region not accepted: region="${Region}" is not a valid hostname component. Set region to a Region code such as "us-east-1"` +
        (/[.:/]/.test(Region) ? "; to call a URL, set endpoint instead." : "."),
    );
  }
  // the rules give v3's message (a partition's limit with the region) and what to change (scripts/gen/endpoints.mjs)
  const href = evaluateRules(params, partition, (m, hint) => new EndpointError(hint ? `${m}; ${hint}.` : m));
  let url: URL | undefined;
  try {
    url = new URL(href);
  } catch {}
  // Only a custom endpoint can get here: the rules build the others from a checked region.
  if (!url || !/^https?:$/.test(url.protocol)) {
    throw new EndpointError(
      `Invalid endpoint "${href}": not an http(s) URL; set endpoint to a full URL such as "http://localhost:4566".`,
    );
  }
  return { url };
}
