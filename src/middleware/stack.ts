import type {
  AbsoluteLocation,
  DeserializeHandler,
  HandlerExecutionContext,
  HandlerOptions,
  InitializeHandler,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MiddlewareStack,
  MiddlewareType,
  Pluggable,
  Priority,
  RelativeLocation,
  RelativeMiddlewareOptions,
  Step,
} from "@smithy/types";

/** A middleware as the stack calls it, whatever its step: the next handler in, its own handler out. */
type Wrap<I extends object, O extends object> = (next: InitializeHandler<I, O>, context: HandlerExecutionContext) => InitializeHandler<I, O>;

/** A middleware and where it goes. */
interface Placed<M = unknown> {
  mw: M;
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

const names = (e: Placed): string[] => (e.name ? [e.name, ...(e.aliases ?? [])] : e.aliases ?? []);

const label = (e: Placed): string =>
  `${e.name ?? "anonymous"}${e.aliases?.length ? ` (a.k.a. ${e.aliases.join(",")})` : ""} - ${e.step ?? `${e.relation} ${e.toMiddleware}`}`;

/**
 * The middleware stack, compatible with `@smithy/types` `MiddlewareStack` and with
 * the order the official client uses: middleware run by step (initialize, serialize,
 * build, finalizeRequest, deserialize), then by priority (high, normal, low), then in
 * the order added. Relative middleware sit right before or after the one they name:
 * several `before` the same one keep the order they were added in, several `after`
 * the same one run last-added first. The order is computed once and reused until the
 * stack changes.
 */
export function constructStack<I extends object, O extends object>(): MiddlewareStack<I, O> {
  type Mw = MiddlewareType<I, O>;
  type Entry = Placed<Mw>;
  let entries: Entry[] = [];
  let sorted: { list: Entry[]; missing: Entry[] } | undefined;
  let debug = false;

  const add = (entry: Entry): void => {
    const own = names(entry);
    for (const n of own) {
      const i = entries.findIndex((e) => names(e).includes(n));
      if (i < 0) continue;
      const old = entries[i]!;
      if (!entry.override) throw new Error(`Duplicate middleware name '${n}': pass override: true to replace it`);
      if (old.step !== entry.step || old.priority !== entry.priority || old.relation !== entry.relation || old.toMiddleware !== entry.toMiddleware)
        throw new Error(
          `Middleware '${n}' (${label(old)}) can only be overridden by middleware at the same position, not ${label(entry).replace(/^.* - /, "")}`,
        );
      entries.splice(i, 1);
    }
    entries.push(entry);
    sorted = undefined;
  };

  /** Entries in run order, and the relative entries whose anchor is not in the stack. */
  const order = (): { list: Entry[]; missing: Entry[] } => {
    if (sorted) return sorted;
    const byName = new Map<string, Entry>();
    for (const e of entries) for (const n of names(e)) byName.set(n, e);
    const before = new Map<Entry, Entry[]>();
    const after = new Map<Entry, Entry[]>();
    const missing: Entry[] = [];
    for (const e of entries) {
      if (e.step) continue;
      const target = byName.get(e.toMiddleware!);
      if (!target) {
        missing.push(e);
        continue;
      }
      const map = e.relation === "before" ? before : after;
      const list = map.get(target) ?? [];
      if (e.relation === "before") list.push(e);
      else list.unshift(e);
      map.set(target, list);
    }
    const list: Entry[] = [];
    // relative entries form a forest under the absolute ones, so this ends
    const visit = (e: Entry): void => {
      for (const b of before.get(e) ?? []) visit(b);
      list.push(e);
      for (const a of after.get(e) ?? []) visit(a);
    };
    for (const step of STEPS)
      for (const p of PRIORITIES) for (const e of entries) if (e.step === step && (e.priority ?? "normal") === p) visit(e);
    return (sorted = { list, missing });
  };

  const removeWhere = (pred: (e: Entry) => boolean): boolean => {
    const before = entries.length;
    entries = entries.filter((e) => !pred(e));
    if (entries.length === before) return false;
    sorted = undefined;
    return true;
  };

  const stack: MiddlewareStack<I, O> = {
    add(mw: Mw, options: HandlerOptions & AbsoluteLocation = {}) {
      const { name, tags, override, aliases, step = "initialize", priority = "normal" } = options;
      add({ mw, name, tags, override, aliases, step, priority });
    },
    addRelativeTo(mw: Mw, options: RelativeMiddlewareOptions) {
      const { name, tags, override, aliases, relation, toMiddleware } = options;
      add({ mw, name, tags, override, aliases, relation, toMiddleware });
    },
    use(plugin: Pluggable<I, O>) {
      plugin.applyToStack(stack);
    },
    clone() {
      return copyInto(constructStack<I, O>());
    },
    concat(from: MiddlewareStack<I, O>) {
      const copy = copyInto(constructStack<I, O>());
      copy.use(from);
      copy.identifyOnResolve(debug || (from.identifyOnResolve?.() ?? false));
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
      return order().list.map(label);
    },
    identifyOnResolve(toggle?: boolean) {
      if (typeof toggle === "boolean") debug = toggle;
      return debug;
    },
    resolve(handler: DeserializeHandler<I, O>, context: HandlerExecutionContext) {
      const { list, missing } = order();
      const lost = missing[0];
      if (lost)
        throw new Error(
          `Middleware '${lost.toMiddleware}' is not in the stack, so '${lost.name ?? "anonymous"}' cannot be added ${lost.relation} it`,
        );
      // every step's handler takes the arguments of the step before it, which the stack passes on as they are
      let h = handler as InitializeHandler<I, O>;
      for (let i = list.length - 1; i >= 0; i--) h = (list[i]!.mw as Wrap<I, O>)(h, context);
      if (debug) console.log(stack.identify());
      return h;
    },
  } as MiddlewareStack<I, O>;

  const copyInto = (to: MiddlewareStack<I, O>): MiddlewareStack<I, O> => {
    for (const e of entries) {
      const { mw, step, relation, ...options } = e;
      // an entry's middleware was added at its step, so it fits there
      if (step) to.add(mw as InitializeMiddleware<I, O>, { step, ...options } as InitializeHandlerOptions & AbsoluteLocation);
      else to.addRelativeTo(mw, { relation, ...options } as RelativeMiddlewareOptions);
    }
    to.identifyOnResolve?.(debug);
    return to;
  };

  return stack;
}
