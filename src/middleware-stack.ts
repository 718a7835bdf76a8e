import type {
  Handler,
  HandlerExecutionContext,
  MiddlewareStack,
  MiddlewareType,
  Pluggable,
  Priority,
  RelativeLocation,
  Step,
} from "@smithy/types";

type Mw = MiddlewareType<any, any>;

interface Entry {
  mw: Mw;
  name?: string;
  aliases?: string[];
  tags?: string[];
  override?: boolean;
  // absolute entries
  step?: Step;
  priority?: Priority;
  // relative entries
  relation?: RelativeLocation["relation"];
  toMiddleware?: string;
}

const STEPS: Step[] = ["initialize", "serialize", "build", "finalizeRequest", "deserialize"];
const PRIORITIES: Priority[] = ["high", "normal", "low"];

const names = (e: Entry): string[] => (e.name ? [e.name, ...(e.aliases ?? [])] : e.aliases ?? []);

/**
 * The middleware stack, compatible with `@smithy/types` `MiddlewareStack`:
 * middleware run by step (initialize, serialize, build, finalizeRequest,
 * deserialize), then by priority (high, normal, low), then in the order added;
 * relative middleware sit right before or after the middleware they name.
 * The sorted order is computed once and reused until the stack changes.
 */
export function constructStack<I extends object, O extends object>(): MiddlewareStack<I, O> {
  let entries: Entry[] = [];
  let sorted: Mw[] | undefined;
  let debug = false;

  const add = (entry: Entry): void => {
    const own = names(entry);
    for (const n of own) {
      const i = entries.findIndex((e) => names(e).includes(n));
      if (i < 0) continue;
      const old = entries[i]!;
      if (!entry.override) throw new Error(`Duplicate middleware name '${n}': pass override: true to replace it`);
      if (old.step !== entry.step || old.priority !== entry.priority || old.relation !== entry.relation || old.toMiddleware !== entry.toMiddleware)
        throw new Error(`Middleware '${n}' can only be overridden by middleware at the same position (step, priority or relation)`);
      entries.splice(i, 1);
    }
    entries.push(entry);
    sorted = undefined;
  };

  const order = (): Mw[] => {
    if (sorted) return sorted;
    const absolute = entries.filter((e) => e.step);
    const relative = entries.filter((e) => !e.step);
    const byName = new Map<string, Entry>();
    for (const e of entries) for (const n of names(e)) byName.set(n, e);
    const before = new Map<Entry, Entry[]>();
    const after = new Map<Entry, Entry[]>();
    for (const e of relative) {
      const target = byName.get(e.toMiddleware!);
      if (!target) throw new Error(`Middleware '${e.toMiddleware}' is not in the stack, so '${e.name ?? "anonymous"}' cannot be added ${e.relation} it`);
      const map = e.relation === "before" ? before : after;
      map.set(target, [...(map.get(target) ?? []), e]);
    }
    const out: Mw[] = [];
    const visit = (e: Entry, seen: Set<Entry>): void => {
      if (seen.has(e)) throw new Error(`Middleware '${e.name}' is placed relative to itself`);
      seen.add(e);
      for (const b of before.get(e) ?? []) visit(b, seen);
      out.push(e.mw);
      for (const a of after.get(e) ?? []) visit(a, seen);
      seen.delete(e);
    };
    for (const step of STEPS)
      for (const p of PRIORITIES)
        for (const e of absolute) if (e.step === step && (e.priority ?? "normal") === p) visit(e, new Set());
    return (sorted = out);
  };

  const removeWhere = (pred: (e: Entry) => boolean): boolean => {
    const gone = entries.filter(pred);
    if (!gone.length) return false;
    // middleware placed relative to a removed one go with it
    const goneNames = new Set(gone.flatMap(names));
    entries = entries.filter((e) => !gone.includes(e) && !(e.toMiddleware && goneNames.has(e.toMiddleware)));
    sorted = undefined;
    return true;
  };

  const stack: MiddlewareStack<I, O> = {
    add(mw: Mw, options: any = {}) {
      const { name, tags, override, aliases, step = "initialize", priority = "normal" } = options;
      add({ mw, name, tags, override, aliases, step, priority });
    },
    addRelativeTo(mw: Mw, options: any) {
      const { name, tags, override, aliases, relation, toMiddleware } = options;
      add({ mw, name, tags, override, aliases, relation, toMiddleware });
    },
    use(plugin: Pluggable<I, O>) {
      plugin.applyToStack(stack);
    },
    clone() {
      const copy = constructStack<I, O>();
      copyInto(copy);
      return copy;
    },
    concat(from: any) {
      const copy = constructStack<any, any>();
      copyInto(copy);
      copy.use(from);
      return copy;
    },
    applyToStack(to: MiddlewareStack<I, O>) {
      copyInto(to);
    },
    remove(target: Mw | string) {
      return typeof target === "string"
        ? removeWhere((e) => names(e).includes(target))
        : removeWhere((e) => e.mw === target);
    },
    removeByTag(tag: string) {
      return removeWhere((e) => e.tags?.includes(tag) ?? false);
    },
    identify() {
      order();
      const label = (e: Entry) => `${e.name ?? "anonymous"} - ${e.step ? `${e.step}/${e.priority ?? "normal"}` : `${e.relation} ${e.toMiddleware}`}`;
      const list = order();
      return entries.slice().sort((a, b) => list.indexOf(a.mw) - list.indexOf(b.mw)).map(label);
    },
    identifyOnResolve(toggle?: boolean) {
      if (typeof toggle === "boolean") debug = toggle;
      return debug;
    },
    resolve(handler: any, context: HandlerExecutionContext) {
      const list = order();
      if (debug) console.log(stack.identify());
      let h: Handler<any, any> = handler;
      for (let i = list.length - 1; i >= 0; i--) h = list[i]!(h as any, context) as Handler<any, any>;
      return h as any;
    },
  } as MiddlewareStack<I, O>;

  const copyInto = (to: MiddlewareStack<any, any>): void => {
    for (const e of entries) {
      const { mw, step, relation, ...options } = e;
      if (step) to.add(mw as any, { step, ...options } as any);
      else to.addRelativeTo(mw as any, { relation, ...options } as any);
    }
  };

  return stack;
}
