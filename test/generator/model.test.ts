/** The committed model: facts only, and what the generator reads by default. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
// @ts-expect-error: a plain .mjs script without type declarations
import { factsOnly, stripProse } from "../../scripts/refresh-model.mjs";

const path = fileURLToPath(new URL("../../smithy/codepipeline-2015-07-09.json", import.meta.url));
const text = readFileSync(path, "utf8");
const model = JSON.parse(text);

/** Every key path in a JSON value whose last key is one of `keys`. */
function find(value: unknown, keys: Set<string>, at: string[] = [], found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => find(v, keys, [...at, String(i)], found));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      if (keys.has(k)) found.push([...at, k].join("/"));
      find(v, keys, [...at, k], found);
    }
  return found;
}

describe("smithy/codepipeline-2015-07-09.json", () => {
  it("holds no documentation prose", () => {
    expect(find(model, new Set(["smithy.api#documentation", "smithy.api#examples", "documentation"]))).toEqual([]);
  });

  it("keeps the facts: 44 operations, endpoint rules and tests, paginators, sensitive and idempotency traits", () => {
    const service = model.shapes["com.amazonaws.codepipeline#CodePipeline_20150709"];
    expect(service.operations).toHaveLength(44);
    expect(service.traits["smithy.rules#endpointRuleSet"].rules.length).toBeGreaterThan(0);
    expect(service.traits["smithy.rules#endpointTests"].testCases.length).toBeGreaterThan(40);
    // the counts in AWS's model of 2015-07-09
    expect(find(model, new Set(["smithy.api#paginated"]))).toHaveLength(8);
    expect(find(model, new Set(["smithy.api#sensitive"]))).toHaveLength(4);
    expect(find(model, new Set(["smithy.api#idempotencyToken"]))).toHaveLength(1);
  });

  it("is in the form the refresh script writes", () => {
    expect(factsOnly(model)).toBe(text);
  });

  it("the refresh drops prose traits and documentation fields inside traits, and nothing else", () => {
    const source = {
      shapes: {
        "x#A": {
          type: "structure",
          members: { documentation: { target: "x#S", traits: { "smithy.api#documentation": "prose", "smithy.api#required": {} } } },
          traits: {
            "smithy.api#documentation": "prose",
            "smithy.api#examples": [{ title: "prose" }],
            "smithy.rules#endpointTests": { testCases: [{ documentation: "prose", params: { Region: "us-east-1" } }] },
          },
        },
      },
    };
    expect(stripProse(source)).toEqual({
      shapes: {
        "x#A": {
          type: "structure",
          members: { documentation: { target: "x#S", traits: { "smithy.api#required": {} } } },
          traits: { "smithy.rules#endpointTests": { testCases: [{ params: { Region: "us-east-1" } }] } },
        },
      },
    });
  });
});
