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

/** Where an entry sits: its step, or its relation to another middleware. */
const position = (e: Placed): string => e.step ?? `${e.relation} ${e.toMiddleware}`;

const label = (e: Placed): string => `${e.name ?? "anonymous"}${e.aliases?.length ? ` (a.k.a. ${e.aliases.join(",")})` : ""} - ${position(e)}`;

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
  let sorted: Entry[] | undefined;
  /** A relative entry whose anchor is not in the stack, found with the order. */
  let lost: Entry | undefined;
  let debug = false;

  const find = (name?: string): Entry | undefined => entries.find((e) => names(e).includes(name!));

  const put = (entry: Entry): void => {
    for (const n of names(entry)) {
      const old = find(n);
      if (!old) continue;
      if (!entry.override) throw new Error(`Duplicate middleware name '${n}': pass override: true to replace it`);
      if (position(old) !== position(entry) || old.priority !== entry.priority)
        throw new Error(`Middleware '${n}' (${label(old)}) can only be overridden by middleware at the same position, not ${position(entry)}`);
      removeWhere((e) => e === old);
    }
    entries.push(entry);
    sorted = undefined;
  };

  /** Entries in run order; relative entries whose anchor is not in the stack are left out. */
  const order = (): Entry[] => {
    if (sorted) return sorted;
    // each relative entry and its anchor; relative entries form a forest under the absolute ones, so visit ends
    const anchored = entries.filter((e) => !e.step).map((e) => [e, find(e.toMiddleware)] as const);
    lost = anchored.find(([, to]) => !to)?.[0];
    const list: Entry[] = [];
    const visit = (e: Entry): void => {
      for (const [b, to] of anchored) if (to === e && b.relation === "before") visit(b);
      list.push(e);
      for (let i = anchored.length; i--; ) if (anchored[i]![1] === e && anchored[i]![0].relation !== "before") visit(anchored[i]![0]);
    };
    for (const step of STEPS) for (const p of PRIORITIES) for (const e of entries) if (e.step === step && e.priority === p) visit(e);
    return (sorted = list);
  };

  const removeWhere = (pred: (e: Entry) => boolean | undefined): boolean => {
    const before = entries.length;
    entries = entries.filter((e) => !pred(e));
    sorted = undefined;
    return entries.length < before;
  };

  const stack: MiddlewareStack<I, O> = {
    // the options are kept as given (as @smithy/core does), with the defaults of an absolute entry
    add(mw: Mw, options: HandlerOptions & AbsoluteLocation = {}) {
      put({ ...options, mw, step: options.step ?? "initialize", priority: options.priority ?? "normal" });
    },
    addRelativeTo(mw: Mw, options: RelativeMiddlewareOptions) {
      put({ ...options, mw, step: undefined });
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
      return removeWhere((e) => (typeof target === "string" ? names(e).includes(target) : e.mw === target));
    },
    removeByTag(tag: string) {
      return removeWhere((e) => e.tags?.includes(tag));
    },
    identify() {
      return order().map(label);
    },
    identifyOnResolve(toggle?: boolean) {
      if (typeof toggle === "boolean") debug = toggle;
      return debug;
    },
    resolve(handler: DeserializeHandler<I, O>, context: HandlerExecutionContext) {
      const list = order();
      if (lost)
        throw new Error(`Middleware '${lost.toMiddleware}' is not in the stack, so '${lost.name ?? "anonymous"}' cannot be added ${lost.relation} it`);
      // every step's handler takes the arguments of the step before it, which the stack passes on as they are
      let h = handler as InitializeHandler<I, O>;
      for (let i = list.length; i--; ) h = (list[i]!.mw as Wrap<I, O>)(h, context);
      if (debug) console.log(stack.identify());
      return h;
    },
  } as MiddlewareStack<I, O>;

  const copyInto = (to: MiddlewareStack<I, O>): MiddlewareStack<I, O> => {
    // an entry holds its options as given (an absolute one with its step and priority);
    // its middleware was added at its step, so it fits there
    for (const { mw, ...options } of entries)
      if (options.step) to.add(mw as InitializeMiddleware<I, O>, options as InitializeHandlerOptions);
      else to.addRelativeTo(mw, options as RelativeMiddlewareOptions);
    to.identifyOnResolve?.(debug);
    return to;
  };

  return stack;
}
