// Endpoint resolution data, generated from the service's `smithy.rules#endpointRuleSet`
// and `smithy.rules#endpointTests` traits.
//
// Outputs:
//   src/generated/endpoint-rules.ts   the rule tree compiled to one plain function, plus the
//                                      partition table that `aws.partition` reads
//   test/generated/endpoint-tests.ts  the model's endpoint test cases as a table
//
// Partition data is embedded below rather than read from node_modules: no installed package
// ships it as a public, stable file (`@aws-sdk/util-endpoints` is not installed and
// `@smithy/util-endpoints` has no AWS data; the copy inside `@aws-sdk/core` is a private dist
// file of a transitive dependency). test/endpoints.test.ts compares the result with the
// installed v3 client, so drift from v3 shows up as a failing test.
//
// The compiler understands the rule-language subset this model uses (isSet, not,
// booleanEquals, stringEquals, getAttr, aws.partition; templates with {Param} and
// {Ref#attr}). Anything else stops generation with an error naming what to add, so a model
// update can never silently produce a wrong resolver.
//
// A partition attribute every partition has with the same boolean value (supportsFIPS and
// supportsDualStack are true everywhere) is compiled as that constant, and the checks on it
// fold away with the errors they guard: the generated resolver holds only the branches the
// partition data can reach. Each error the rules can still throw carries what to change
// (ERROR_HINTS); one without an entry stops generation.

const SERVICE = "com.amazonaws.codepipeline#CodePipeline_20150709";

// `aws.partition` data: the outputs of partitions.json v1.1 as shipped in @aws-sdk/core
// 3.981.0 (dist-es/submodules/client/util-endpoints/lib/aws/partitions.js), which the
// installed @aws-sdk/client-codepipeline 3.1138.0 uses. Order matters: region regexes are
// tried in this order. `regions` lists the named regions (only the ones a regex lookup would
// put elsewhere end up in the generated file).
export const PARTITIONS = [
  {
    id: "aws",
    dnsSuffix: "amazonaws.com",
    dualStackDnsSuffix: "api.aws",
    implicitGlobalRegion: "us-east-1",
    supportsFIPS: true,
    supportsDualStack: true,
    regionRegex: "^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$",
    regions: [
      "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
      "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
      "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "aws-global",
      "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
      "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
      "me-south-1", "me-west-1", "mx-central-1", "sa-east-1", "sa-west-1", "us-east-1",
      "us-east-2", "us-west-1", "us-west-2",
    ],
  },
  {
    id: "aws-cn",
    dnsSuffix: "amazonaws.com.cn",
    dualStackDnsSuffix: "api.amazonwebservices.com.cn",
    implicitGlobalRegion: "cn-northwest-1",
    supportsFIPS: true,
    supportsDualStack: true,
    regionRegex: "^cn\\-\\w+\\-\\d+$",
    regions: ["aws-cn-global", "cn-north-1", "cn-northwest-1"],
  },
  {
    id: "aws-eusc",
    dnsSuffix: "amazonaws.eu",
    dualStackDnsSuffix: "api.amazonwebservices.eu",
    implicitGlobalRegion: "eusc-de-east-1",
    supportsFIPS: true,
    supportsDualStack: true,
    regionRegex: "^eusc\\-(de)\\-\\w+\\-\\d+$",
    regions: ["eusc-de-east-1"],
  },
  {
    id: "aws-iso",
    dnsSuffix: "c2s.ic.gov",
    dualStackDnsSuffix: "api.aws.ic.gov",
    implicitGlobalRegion: "us-iso-east-1",
    supportsFIPS: true,
    supportsDualStack: true,
    regionRegex: "^us\\-iso\\-\\w+\\-\\d+$",
    regions: ["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
  },
  {
    id: "aws-iso-b",
    dnsSuffix: "sc2s.sgov.gov",
    dualStackDnsSuffix: "api.aws.scloud",
    implicitGlobalRegion: "us-isob-east-1",
    supportsFIPS: true,
    supportsDualStack: true,
    regionRegex: "^us\\-isob\\-\\w+\\-\\d+$",
    regions: ["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
  },
  {
    id: "aws-iso-e",
    dnsSuffix: "cloud.adc-e.uk",
    dualStackDnsSuffix: "api.cloud-aws.adc-e.uk",
    implicitGlobalRegion: "eu-isoe-west-1",
    supportsFIPS: true,
    supportsDualStack: true,
    regionRegex: "^eu\\-isoe\\-\\w+\\-\\d+$",
    regions: ["aws-iso-e-global", "eu-isoe-west-1"],
  },
  {
    id: "aws-iso-f",
    dnsSuffix: "csp.hci.ic.gov",
    dualStackDnsSuffix: "api.aws.hci.ic.gov",
    implicitGlobalRegion: "us-isof-south-1",
    supportsFIPS: true,
    supportsDualStack: true,
    regionRegex: "^us\\-isof\\-\\w+\\-\\d+$",
    regions: ["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
  },
  {
    id: "aws-us-gov",
    dnsSuffix: "amazonaws.com",
    dualStackDnsSuffix: "api.aws",
    implicitGlobalRegion: "us-gov-west-1",
    supportsFIPS: true,
    supportsDualStack: true,
    regionRegex: "^us\\-gov\\-\\w+\\-\\d+$",
    regions: ["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
  },
];
// What to change, for each error message of the rule set (v3's text), in the words of the client's options.
const ERROR_HINTS = {
  "Invalid Configuration: FIPS and custom endpoint are not supported": "set useFipsEndpoint to false or remove endpoint",
  "Invalid Configuration: Dualstack and custom endpoint are not supported": "set useDualstackEndpoint to false or remove endpoint",
  "FIPS and DualStack are enabled, but this partition does not support one or both":
    "set useFipsEndpoint or useDualstackEndpoint to false",
  "FIPS is enabled but this partition does not support FIPS": "set useFipsEndpoint to false",
  "DualStack is enabled but this partition does not support DualStack": "set useDualstackEndpoint to false",
  "Invalid Configuration: Missing Region": 'set region (e.g. "us-east-1") or endpoint',
};

const PARTITION_ATTRS = ["name", "dnsSuffix", "dualStackDnsSuffix", "implicitGlobalRegion", "supportsFIPS", "supportsDualStack"];

const fail = (msg) => {
  throw new Error(`scripts/gen/endpoints.mjs: ${msg}`);
};
const str = (v) => JSON.stringify(v);
const IDENT = /^[A-Za-z_$][\w$]*$/;

export default function generate(ctx) {
  const service = ctx.model.shapes?.[SERVICE] ?? fail(`service shape ${SERVICE} not found in the model`);
  const ruleSet = service.traits?.["smithy.rules#endpointRuleSet"] ?? fail("no smithy.rules#endpointRuleSet trait");
  const tests = service.traits?.["smithy.rules#endpointTests"] ?? fail("no smithy.rules#endpointTests trait");
  return [
    { path: "src/generated/endpoint-rules.ts", content: rulesFile(ctx.marker, ruleSet, PARTITIONS) },
    { path: "src/generated/endpoint-standard.ts", content: standardFile(ctx.marker, ruleSet) },
    { path: "test/generated/endpoint-tests.ts", content: testsFile(ctx.marker, ruleSet, tests) },
  ];
}

// ---------------------------------------------------------------------------------------------
// The standard endpoint, resolved without the rules

/**
 * The endpoint the rules give for a region of the first partition ("aws") with no custom endpoint,
 * FIPS or dual-stack: the client resolves it inline and loads the rules only for other cases.
 */
function standardFile(marker, ruleSet) {
  const urls = [];
  const walk = (rules) => {
    for (const r of rules) {
      if (r.type === "tree") walk(r.rules);
      else if (r.type === "endpoint" && typeof r.endpoint.url === "string") urls.push(r.endpoint.url);
    }
  };
  walk(ruleSet.rules);
  const standard = urls.filter((u) => /^https:\/\/[\w-]+\.\{Region\}\.\{PartitionResult#dnsSuffix\}$/.test(u) && !/fips/i.test(u));
  if (standard.length !== 1) fail(`expected one standard endpoint URL in the rules, found ${str(standard)}`);
  const aws = PARTITIONS[0];
  if (new RegExp(aws.regionRegex).test("aws-global") || aws.regionRegex.includes("/")) fail("unexpected aws region regex");
  const template = standard[0].replace("{Region}", "${region}").replace("{PartitionResult#dnsSuffix}", aws.dnsSuffix);
  return `${marker}
// The standard endpoint (a region of the "${aws.id}" partition; no custom endpoint, FIPS or dual-stack), as the
// rules in ./endpoint-rules.ts give it. The client resolves it inline and loads the rules only for other cases.

/** Regions of the "${aws.id}" partition. Named regions of other partitions never match. */
export const standardRegion = /${aws.regionRegex}/;

/** The endpoint for a region matching \`standardRegion\`. */
export const standardEndpoint = (region: string): string => \`${template}\`;
`;
}

// ---------------------------------------------------------------------------------------------
// Rule compiler

/** The rules module for `ruleSet` over the partition data `PARTITIONS` (tests pass other data). */
export function rulesFile(marker, ruleSet, PARTITIONS) {
  if (ruleSet.version !== "1.0") fail(`unsupported rule set version ${ruleSet.version}`);
  const params = ruleSet.parameters;
  for (const [name, p] of Object.entries(params)) {
    if (!IDENT.test(name)) fail(`parameter name ${name} is not an identifier`);
    if (p.type !== "String" && p.type !== "Boolean") fail(`parameter ${name}: unsupported type ${p.type}`);
    if (p.default !== undefined && p.default !== false) {
      // The runtime treats a missing Boolean as false; any other default needs code.
      fail(`parameter ${name}: default ${str(p.default)} is not supported (only false)`);
    }
  }

  const attrs = new Set(); // PartitionResult attributes the rules read (other than constants)
  const locals = new Map(); // assigned name -> function that produced it
  const c = {
    params,
    locals,
    hoisted: new Set(),
    attrs,
    ref(name) {
      if (params[name]) return `p.${name}`;
      if (locals.has(name)) return name;
      return fail(`reference to unknown name ${name}`);
    },
    attr(ref, path) {
      if (locals.get(ref) !== "aws.partition") fail(`getAttr on ${ref} is not supported (only on aws.partition results)`);
      if (!PARTITION_ATTRS.includes(path)) fail(`unknown partition attribute ${path}`);
      const value = PARTITIONS[0][path];
      if (typeof value === "boolean" && PARTITIONS.every((p) => p[path] === value)) return String(value);
      attrs.add(path);
      return `${ref}.${path}`;
    },
  };
  const body = compileRules(c, ruleSet.rules, "  ", true);
  const localDecl = [...c.hoisted].map((n) => `  let ${n}: Partition;\n`).join("");

  const usedAttrs = PARTITION_ATTRS.filter((a) => attrs.has(a));
  const partitionFields = usedAttrs.map((a) => `  ${a}: ${typeof PARTITIONS[0][a === "name" ? "id" : a]};\n`).join("");

  // Named regions whose regex lookup would give another partition (e.g. aws-cn-global) join their
  // partition's regex as alternatives, so one ordered regex lookup places every region.
  const byRegex = (r) => PARTITIONS.find((p) => new RegExp(p.regionRegex).test(r)) ?? PARTITIONS[0];
  const named = new Map(PARTITIONS.map((p) => [p, []]));
  const seen = new Set();
  for (const p of PARTITIONS) {
    for (const r of p.regions) {
      if (seen.has(r)) continue; // the first partition listing a region wins
      seen.add(r);
      if (byRegex(r) !== p) named.get(p).push(r);
    }
  }
  const regexes = PARTITIONS.map((p) => {
    if (p.regionRegex.includes("/")) fail(`region regex of ${p.id} contains "/"`);
    return [p.regionRegex, ...named.get(p).sort().map((r) => `^${r.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}$`)].join("|");
  });
  // The table must place every listed region where partitions.json does.
  const lookup = (r) => PARTITIONS[regexes.findIndex((re) => new RegExp(re).test(r))] ?? PARTITIONS[0];
  const checked = new Set();
  for (const p of PARTITIONS)
    for (const r of p.regions) {
      if (checked.has(r)) continue;
      checked.add(r);
      if (lookup(r) !== p) fail(`region ${r} would resolve to partition ${lookup(r).id}, not ${p.id}`);
    }

  const partitionRows = PARTITIONS.map((p, i) => {
    const values = usedAttrs.map((a) => str(a === "name" ? p.id : p[a]));
    return `  P(/${regexes[i]}/, ${values.join(", ")}), // ${p.id}\n`;
  }).join("");
  const partitionParams = usedAttrs.map((a) => `${a}: ${typeof PARTITIONS[0][a === "name" ? "id" : a]}`).join(", ");

  const paramFields = Object.entries(params)
    .map(([n, p]) => `  ${n}?: ${p.type === "Boolean" ? "boolean" : "string"} | undefined;\n`)
    .join("");

  return `${marker}
// Endpoint rules of CodePipeline, compiled from the model's smithy.rules#endpointRuleSet by
// scripts/gen/endpoints.mjs; the runtime around it is src/endpoints.ts.

/** Parameters the rules read (names as in the rule set). */
export interface RuleParameters {
${paramFields}}

/** What the rule set reads from \`aws.partition(Region)\`. */
export interface Partition {
${partitionFields}}

const P = (re: RegExp, ${partitionParams}): readonly [RegExp, Partition] => [re, { ${usedAttrs.join(", ")} }];

/**
 * Partitions in lookup order: a region belongs to the first partition whose regex matches it
 * (the named regions of each partition are alternatives of its regex), otherwise to the first
 * partition ("aws"). Data: partitions.json v1.1 (@aws-sdk/core 3.981.0).
 */
export const partitions: ReadonlyArray<readonly [RegExp, Partition]> = [
${partitionRows}];

/**
 * The rule tree as code. Returns the endpoint URL as a string, or throws \`error(message, hint)\`
 * with the rule set's own message and what to change (no hint when no rule applies).
 */
export function evaluateRules(
  p: RuleParameters,
  partition: (region: string) => Partition,
  error: (message: string, hint?: string) => Error,
): string {
${localDecl}${body}}
`;
}

/** Compiles a list of sibling rules; `last` says whether falling off the end must throw. */
function compileRules(c, rules, ind, last) {
  let out = "";
  for (const rule of rules) {
    let pre = "";
    let conditions = rule.conditions ?? [];
    // `aws.partition` always returns a partition ("aws" by default), so a rule whose only
    // condition binds it is unconditional: compile it to a declaration.
    if (conditions.length === 1 && conditions[0].fn === "aws.partition" && conditions[0].assign) {
      const name = declare(c, conditions[0]);
      pre = `${ind}const ${name} = ${compileFn(c, conditions[0])};\n`;
      conditions = [];
    }
    // conditions on constants: a true one is dropped, a false one makes the rule unreachable
    const conds = conditions.map((cond) => compileCondition(c, cond)).filter((cond) => cond !== "true");
    if (conds.includes("false")) continue;
    const inner = conds.length ? ind + "  " : ind;
    let body;
    if (rule.type === "endpoint") {
      const e = rule.endpoint;
      if (e.properties && Object.keys(e.properties).length) fail("endpoint properties are not supported");
      if (e.headers && Object.keys(e.headers).length) fail("endpoint headers are not supported");
      body = `${inner}return ${compileValue(c, e.url)};\n`;
    } else if (rule.type === "error") {
      if (typeof rule.error !== "string" || rule.error.includes("{")) fail(`error ${str(rule.error)}: only fixed messages are supported`);
      const hint = ERROR_HINTS[rule.error] ?? fail(`error ${str(rule.error)} has no hint; add what to change to ERROR_HINTS`);
      // a partition's limit also names the region it was asked for
      const message = /partition/.test(rule.error)
        ? "`" + escapeTemplate(rule.error) + ` (region "\${${c.ref("Region")}}")` + "`"
        : str(rule.error);
      body = `${inner}throw error(${message}, ${str(hint)});\n`;
    } else if (rule.type === "tree") {
      // Once a tree's conditions hold, one of its rules must apply (as in the Smithy engine).
      body = compileRules(c, rule.rules, inner, true);
    } else {
      fail(`unknown rule type ${rule.type}`);
    }
    if (!conds.length) return out + pre + body; // unconditional: later siblings are unreachable
    out += `${ind}if (${conds.join(" && ")}) {\n${body}${ind}}\n`;
  }
  return last ? out + `${ind}throw error("Rules evaluation failed");\n` : out;
}

function declare(c, cond) {
  const name = cond.assign;
  if (!IDENT.test(name) || c.params[name]) fail(`cannot assign to ${name}`);
  if (cond.fn !== "aws.partition") fail(`assigning the result of ${cond.fn} is not supported`);
  c.locals.set(name, cond.fn);
  return name;
}

function compileCondition(c, cond) {
  if (cond.assign === undefined) return compileFn(c, cond);
  // Bound inside a longer condition list: needs a function-level variable.
  const name = declare(c, cond);
  c.hoisted.add(name);
  return `(${name} = ${compileFn(c, cond)}) !== undefined`;
}

function compileFn(c, node) {
  const a = node.argv ?? [];
  switch (node.fn) {
    case "isSet":
      if (a.length !== 1 || !a[0]?.ref) fail("isSet expects one reference");
      return `${c.ref(a[0].ref)} != null`;
    case "not": {
      const inner = compileFn(c, a[0]);
      return inner === "true" || inner === "false" ? String(inner === "false") : `!(${inner})`;
    }
    case "booleanEquals":
    case "stringEquals": {
      const [x, y] = [compileValue(c, a[0]), compileValue(c, a[1])];
      const constant = /^(true|false)$/;
      return constant.test(x) && constant.test(y) ? String(x === y) : `${x} === ${y}`;
    }
    case "getAttr":
      if (!a[0]?.ref || typeof a[1] !== "string") fail("getAttr expects a reference and a path");
      return c.attr(a[0].ref, a[1]);
    case "aws.partition":
      if (a.length !== 1) fail("aws.partition expects one argument");
      return `partition(${compileValue(c, a[0])})`;
    default:
      return fail(`rule function ${node.fn} is not supported; teach compileFn (and src/endpoints.ts) about it`);
  }
}

function compileValue(c, v) {
  if (typeof v === "boolean") return String(v);
  if (typeof v === "string") return compileTemplate(c, v);
  if (v && typeof v === "object") {
    if (typeof v.ref === "string") return c.ref(v.ref);
    if (typeof v.fn === "string") return compileFn(c, v);
  }
  return fail(`unsupported value ${str(v)}`);
}

/** "https://x.{Region}.{PartitionResult#dnsSuffix}" -> a template literal. */
function compileTemplate(c, s) {
  if (!s.includes("{")) return str(s);
  let out = "";
  let i = 0;
  for (const m of s.matchAll(/\{([^{}#]+)(?:#([^{}]+))?\}/g)) {
    out += escapeTemplate(s.slice(i, m.index));
    out += "${" + (m[2] ? c.attr(m[1], m[2]) : c.ref(m[1])) + "}";
    i = m.index + m[0].length;
  }
  out += escapeTemplate(s.slice(i));
  if (/[{}]/.test(out.replace(/\$\{[^}]*\}/g, ""))) fail(`unsupported template ${s}`);
  return "`" + out + "`";
}
const escapeTemplate = (s) => s.replace(/[\\`]/g, "\\$&").replace(/\$\{/g, "\\${");

// ---------------------------------------------------------------------------------------------
// Test table

function testsFile(marker, ruleSet, tests) {
  const paramNames = Object.keys(ruleSet.parameters);
  const names = new Map();
  const rows = tests.testCases.map((tc) => {
    const params = tc.params ?? {};
    for (const k of Object.keys(params)) if (!paramNames.includes(k)) fail(`test case uses unknown parameter ${k}`);
    if (tc.operationInputs) fail("test cases with operationInputs are not supported");
    let expect;
    if (tc.expect?.error !== undefined) expect = { error: tc.expect.error };
    else if (tc.expect?.endpoint?.url !== undefined) {
      const e = tc.expect.endpoint;
      if (e.properties && Object.keys(e.properties).length) fail("expected endpoint properties are not supported");
      if (e.headers && Object.keys(e.headers).length) fail("expected endpoint headers are not supported");
      expect = { url: e.url };
    } else fail(`test case without expectation: ${str(params)}`);

    let name = caseName(params);
    const n = (names.get(name) ?? 0) + 1;
    names.set(name, n);
    if (n > 1) name += ` #${n}`;
    // Parameters in rule-set order, so the output does not depend on the model's key order.
    const ordered = Object.fromEntries(paramNames.filter((k) => k in params).map((k) => [k, params[k]]));
    return `  { name: ${str(name)}, params: ${str(ordered)}, expect: ${str(expect)} },\n`;
  });
  const paramFields = paramNames
    .map((n) => `${n}?: ${ruleSet.parameters[n].type === "Boolean" ? "boolean" : "string"}`)
    .join("; ");

  return `${marker}
// The ${rows.length} endpoint test cases of the model's smithy.rules#endpointTests trait.

export interface EndpointTestCase {
  /** Generated from the parameters. */
  name: string;
  params: { ${paramFields} };
  /** The URL the parameters resolve to, or text the error message contains. */
  expect: { url: string } | { error: string };
}

const cases: EndpointTestCase[] = [
${rows.join("")}];

export default cases;
`;
}

function caseName(params) {
  const parts = [];
  if (params.Region !== undefined) parts.push(`Region=${params.Region}`);
  if (params.UseFIPS) parts.push("FIPS");
  if (params.UseDualStack) parts.push("DualStack");
  if (params.Endpoint !== undefined) parts.push(`Endpoint=${params.Endpoint}`);
  for (const [k, v] of Object.entries(params)) {
    if (!["Region", "UseFIPS", "UseDualStack", "Endpoint"].includes(k)) parts.push(`${k}=${v}`);
  }
  if (params.Region === undefined) parts.push("no Region");
  return parts.join(" ");
}
