#!/usr/bin/env node
// Refreshes smithy/codepipeline-2015-07-09.json, the model the generator reads, from an AWS Smithy JSON model
// (e.g. aws/api-models-aws: models/codepipeline/service/2015-07-09/codepipeline-2015-07-09.json).
//
//   node scripts/refresh-model.mjs PATH      then: npm run generate
//   node scripts/refresh-model.mjs --check PATH   exit 1 when the committed copy differs from PATH's facts
//
// Only facts are kept: shapes, members, traits (constraints, required, sensitive, idempotency, paginators,
// errors, protocol, auth), endpoint rules and endpoint tests. Every piece of documentation prose is dropped:
// `smithy.api#documentation` and `smithy.api#examples` traits, and the `documentation` field of endpoint
// rules, parameters and test cases. Keys keep the source model's order, so a refresh diff shows what AWS changed.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const MODEL_PATH = join(root, "smithy", "codepipeline-2015-07-09.json");

/** Traits that only hold prose. */
const PROSE_TRAITS = new Set(["smithy.api#documentation", "smithy.api#examples", "smithy.api#externalDocumentation"]);

/** A copy of `value` without documentation: prose traits, and `documentation` fields inside trait values. */
export function stripProse(value, inTraits = false) {
  if (Array.isArray(value)) return value.map((v) => stripProse(v, inTraits));
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "traits") {
      out.traits = {};
      for (const [trait, tv] of Object.entries(v)) if (!PROSE_TRAITS.has(trait)) out.traits[trait] = stripProse(tv, true);
    } else if (!(inTraits && key === "documentation")) out[key] = stripProse(v, inTraits);
  }
  return out;
}

/** The committed text for a source model: stripped, two-space JSON, one trailing newline. */
export const factsOnly = (source) => JSON.stringify(stripProse(source), null, 2) + "\n";

function main(argv) {
  const check = argv.includes("--check");
  const [path] = argv.filter((a) => a !== "--check");
  if (!path) {
    console.error("Usage: node scripts/refresh-model.mjs [--check] PATH-TO-AWS-MODEL.json");
    process.exit(2);
  }
  const text = factsOnly(JSON.parse(readFileSync(resolve(path), "utf8")));
  if (check) {
    const same = readFileSync(MODEL_PATH, "utf8") === text;
    console.log(same ? "smithy/codepipeline-2015-07-09.json matches the model's facts." : "smithy/codepipeline-2015-07-09.json differs: run the refresh.");
    process.exit(same ? 0 : 1);
  }
  writeFileSync(MODEL_PATH, text);
  console.log(`Wrote smithy/codepipeline-2015-07-09.json (${text.length} bytes); now run: npm run generate`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
