/**
 * The middleware stack on its own: order, priorities, relative placement, removal,
 * plugins, clone/concat and the override rules; checked against the official stack
 * (@smithy/core constructStack) where the two must agree.
 */
import { describe, expect, it, vi } from "vitest";
import type { MiddlewareStack } from "@smithy/types";
import { constructStack as v3Stack } from "@smithy/core/client";
import { constructStack } from "../../src/middleware/stack.js";

/** A middleware that records its tag in `args.trail` before calling next. */
const mark = (tag: string) => (next: any) => (args: any) => next({ ...args, trail: [...(args.trail ?? []), tag] });

/** Runs the stack and returns the tags in the order the middleware ran. */
const run = async (stack: MiddlewareStack<any, any>): Promise<string[]> => {
  const handler = stack.resolve(async (args: any) => ({ output: args.trail ?? [], response: {} }), {} as any);
  return (await handler({ input: {} } as any)).output as any;
};

/** Applies the same calls to our stack and to the official one. */
const both = (build: (s: MiddlewareStack<any, any>) => void) => {
  const ours = constructStack<any, any>();
  const theirs = v3Stack<any, any>();
  build(ours);
  build(theirs);
  return { ours, theirs };
};

describe("order", () => {
  it("runs by step, then priority, then insertion order — like the official stack", async () => {
    const build = (s: MiddlewareStack<any, any>) => {
      s.add(mark("deserialize"), { step: "deserialize", name: "deserialize" });
      s.add(mark("build-low"), { step: "build", priority: "low", name: "build-low" });
      s.add(mark("build-1"), { step: "build", name: "build-1" });
      s.add(mark("init-default"), { name: "init-default" });
      s.add(mark("final-high"), { step: "finalizeRequest", priority: "high", name: "final-high" });
      s.add(mark("build-high"), { step: "build", priority: "high", name: "build-high" });
      s.add(mark("build-2"), { step: "build", name: "build-2" });
      s.add(mark("serialize"), { step: "serialize", name: "serialize" });
      s.add(mark("init-high"), { step: "initialize", priority: "high", name: "init-high" });
    };
    const { ours, theirs } = both(build);
    const expected = ["init-high", "init-default", "serialize", "build-high", "build-1", "build-2", "build-low", "final-high", "deserialize"];
    expect(await run(ours)).toEqual(expected);
    expect(await run(theirs)).toEqual(expected);
    expect(ours.identify()).toEqual(theirs.identify());
    expect(ours.identify()[0]).toBe("init-high - initialize");
  });

  it("places relative middleware before/after their anchor, nested too — like the official stack", async () => {
    const build = (s: MiddlewareStack<any, any>) => {
      s.add(mark("X"), { step: "build", name: "X" });
      s.add(mark("Y"), { step: "build", name: "Y" });
      s.addRelativeTo(mark("A"), { relation: "after", toMiddleware: "X", name: "A" });
      s.addRelativeTo(mark("B"), { relation: "after", toMiddleware: "X", name: "B" });
      s.addRelativeTo(mark("C"), { relation: "before", toMiddleware: "X", name: "C" });
      s.addRelativeTo(mark("D"), { relation: "before", toMiddleware: "X", name: "D" });
      s.addRelativeTo(mark("E"), { relation: "before", toMiddleware: "A", name: "E" });
      s.addRelativeTo(mark("F"), { relation: "after", toMiddleware: "A", name: "F" });
      s.addRelativeTo(mark("G"), { relation: "after", toMiddleware: "Y", aliases: ["g"] });
      s.add(mark("init"), { name: "init" });
      s.addRelativeTo(mark("H"), { relation: "before", toMiddleware: "init", name: "H" });
    };
    const { ours, theirs } = both(build);
    const expected = ["H", "init", "C", "D", "X", "B", "E", "A", "F", "Y", "G"];
    expect(await run(theirs)).toEqual(expected);
    expect(await run(ours)).toEqual(expected);
    expect(ours.identify()).toEqual(theirs.identify());
    expect(ours.identify()).toContain("anonymous (a.k.a. g) - after Y");
  });

  it("anchors relative middleware to aliases", async () => {
    const s = constructStack<any, any>();
    s.add(mark("X"), { step: "build", name: "X", aliases: ["ex"] });
    s.addRelativeTo(mark("A"), { relation: "before", toMiddleware: "ex", name: "A" });
    expect(await run(s)).toEqual(["A", "X"]);
    expect(s.identify()).toEqual(["A - before ex", "X (a.k.a. ex) - build"]);
  });

  it("a relative middleware with a missing anchor fails at resolve with a clear error, while identify() still lists the rest", () => {
    const s = constructStack<any, any>();
    s.add(mark("X"), { name: "X" });
    s.addRelativeTo(mark("A"), { relation: "after", toMiddleware: "nope", name: "A" });
    expect(s.identify()).toEqual(["X - initialize"]);
    expect(() => s.resolve(async () => ({}) as any, {} as any)).toThrow(/'nope' is not in the stack, so 'A' cannot be added after it/);
  });

  it("recomputes the order after every change", async () => {
    const s = constructStack<any, any>();
    s.add(mark("b"), { name: "b", step: "build" });
    expect(await run(s)).toEqual(["b"]);
    s.add(mark("a"), { name: "a" });
    expect(await run(s)).toEqual(["a", "b"]);
    s.remove("a");
    expect(await run(s)).toEqual(["b"]);
  });

  it("passes the context to every middleware", async () => {
    const s = constructStack<any, any>();
    const seen: unknown[] = [];
    s.add((next, context) => (args) => (seen.push(context), next(args)));
    s.add((next, context) => (args) => (seen.push(context), next(args)), { step: "build" });
    const context = { commandName: "X" };
    await s.resolve(async () => ({ output: {}, response: {} }) as any, context as any)({ input: {} } as any);
    expect(seen).toEqual([context, context]);
  });
});

describe("override rules", () => {
  it("rejects a duplicate name or alias unless override is set — like the official stack", () => {
    for (const make of [constructStack, v3Stack]) {
      const s = make<any, any>();
      s.add(mark("a"), { name: "a", aliases: ["alias"] });
      expect(() => s.add(mark("b"), { name: "a" })).toThrow(/Duplicate middleware name 'a/);
      expect(() => s.add(mark("b"), { name: "b", aliases: ["alias"] })).toThrow(/Duplicate middleware name/);
      expect(() => s.addRelativeTo(mark("c"), { name: "a", relation: "after", toMiddleware: "a" })).toThrow(/Duplicate middleware name/);
    }
  });

  it("override replaces a middleware at the same step and priority, which then runs last in its group", async () => {
    const { ours, theirs } = both((s) => {
      s.add(mark("a1"), { name: "a", step: "build" });
      s.add(mark("b"), { name: "b", step: "build" });
      s.add(mark("a2"), { name: "a", step: "build", override: true });
    });
    expect(await run(ours)).toEqual(["b", "a2"]);
    expect(await run(theirs)).toEqual(["b", "a2"]);
  });

  it("override at another step or priority throws — like the official stack", () => {
    for (const make of [constructStack, v3Stack]) {
      const s = make<any, any>();
      s.add(mark("a"), { name: "a", step: "build" });
      expect(() => s.add(mark("x"), { name: "a", step: "serialize", override: true })).toThrow();
      expect(() => s.add(mark("x"), { name: "a", step: "build", priority: "high", override: true })).toThrow();
    }
  });

  it("a relative middleware can be overridden only with the same relation and anchor", async () => {
    for (const make of [constructStack, v3Stack]) {
      const s = make<any, any>();
      s.add(mark("X"), { name: "X" });
      s.add(mark("Y"), { name: "Y" });
      s.addRelativeTo(mark("r1"), { name: "r", relation: "after", toMiddleware: "X" });
      expect(() => s.addRelativeTo(mark("r"), { name: "r", relation: "before", toMiddleware: "X", override: true })).toThrow();
      expect(() => s.addRelativeTo(mark("r"), { name: "r", relation: "after", toMiddleware: "Y", override: true })).toThrow();
      s.addRelativeTo(mark("r2"), { name: "r", relation: "after", toMiddleware: "X", override: true });
      expect(await run(s)).toEqual(["X", "r2", "Y"]);
    }
  });
});

describe("remove and removeByTag", () => {
  it("removes by name, alias or reference and says whether it removed anything", async () => {
    const s = constructStack<any, any>();
    const c = mark("c");
    s.add(mark("a"), { name: "a" });
    s.add(mark("b"), { name: "b", aliases: ["bee"] });
    s.add(c);
    expect(s.remove("a")).toBe(true);
    expect(s.remove("a")).toBe(false);
    expect(s.remove("bee")).toBe(true);
    expect(s.remove(c)).toBe(true);
    expect(s.remove(c)).toBe(false);
    expect(await run(s)).toEqual([]);
    s.add(mark("a again"), { name: "a" }); // the name is free again
    s.add(mark("b again"), { name: "b" });
    expect(await run(s)).toEqual(["a again", "b again"]);
  });

  it("removes every middleware carrying a tag", async () => {
    const s = constructStack<any, any>();
    s.add(mark("a"), { name: "a", tags: ["T", "U"] });
    s.add(mark("b"), { name: "b", tags: ["U"] });
    s.addRelativeTo(mark("c"), { name: "c", tags: ["T"], relation: "after", toMiddleware: "b" });
    expect(s.removeByTag("T")).toBe(true);
    expect(s.removeByTag("T")).toBe(false);
    expect(await run(s)).toEqual(["b"]);
    expect(s.removeByTag("U")).toBe(true);
    expect(s.identify()).toEqual([]);
  });

  it("removing an anchor keeps the middleware placed relative to it, so a replacement under the same name picks them up", async () => {
    // the common v3 pattern: swap retryMiddleware and keep httpSigningMiddleware after it
    const s = constructStack<any, any>();
    s.add(mark("retry"), { name: "retryMiddleware", step: "finalizeRequest", priority: "high" });
    s.addRelativeTo(mark("sign"), { name: "httpSigningMiddleware", relation: "after", toMiddleware: "retryMiddleware" });
    s.add(mark("other"), { name: "other", step: "finalizeRequest" });
    expect(s.remove("retryMiddleware")).toBe(true);
    s.add(mark("my retry"), { name: "retryMiddleware", step: "finalizeRequest", priority: "high" });
    expect(await run(s)).toEqual(["my retry", "sign", "other"]);
  });
});

describe("plugins, clone and concat", () => {
  it("use(plugin) calls applyToStack with the stack", async () => {
    const s = constructStack<any, any>();
    const plugin = { applyToStack: vi.fn((stack: MiddlewareStack<any, any>) => stack.add(mark("p"), { name: "p" })) };
    s.use(plugin);
    expect(plugin.applyToStack).toHaveBeenCalledWith(s);
    expect(await run(s)).toEqual(["p"]);
  });

  it("clone() copies names, tags, aliases and positions, and the two evolve apart", async () => {
    const s = constructStack<any, any>();
    s.add(mark("a"), { name: "a", tags: ["T"], aliases: ["A"], step: "build", priority: "high" });
    s.addRelativeTo(mark("r"), { name: "r", relation: "before", toMiddleware: "A" });
    s.identifyOnResolve(true);
    const c = s.clone();
    expect(c.identify()).toEqual(s.identify());
    expect(c.identifyOnResolve()).toBe(true);
    s.identifyOnResolve(false);
    expect(c.identifyOnResolve()).toBe(true);
    c.add(mark("extra"), { name: "extra" });
    expect(c.removeByTag("T")).toBe(true);
    expect(await run(s)).toEqual(["r", "a"]);
    expect(() => c.add(mark("x"), { name: "A" })).not.toThrow(); // alias freed in the clone only
    expect(() => s.add(mark("x"), { name: "A" })).toThrow(/Duplicate/);
  });

  it("concat() returns a new stack with both, leaving each unchanged", async () => {
    const a = constructStack<any, any>();
    const b = constructStack<any, any>();
    a.add(mark("a-build"), { name: "a-build", step: "build" });
    b.add(mark("b-init"), { name: "b-init" });
    b.addRelativeTo(mark("b-after-a"), { name: "b-after-a", relation: "after", toMiddleware: "a-build" });
    const c = a.concat(b);
    expect(await run(c)).toEqual(["b-init", "a-build", "b-after-a"]);
    expect(await run(a)).toEqual(["a-build"]);
    expect(b.identify()).toEqual(["b-init - initialize"]); // its relative entry has no anchor in b alone
    expect(() => a.concat(a)).toThrow(/Duplicate/);
  });

  it("applyToStack() copies a stack into another, so a stack is itself a plugin", async () => {
    const a = constructStack<any, any>();
    a.add(mark("a"), { name: "a" });
    const b = constructStack<any, any>();
    b.use(a);
    expect(await run(b)).toEqual(["a"]);
  });

  it("identifyOnResolve(true) prints the order at resolve", () => {
    const s = constructStack<any, any>();
    s.add(mark("a"), { name: "a" });
    expect(s.identifyOnResolve()).toBe(false);
    s.identifyOnResolve(true);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      s.resolve(async () => ({}) as any, {} as any);
      expect(log).toHaveBeenCalledWith(["a - initialize"]);
    } finally {
      log.mockRestore();
    }
  });
});
