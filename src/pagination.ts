import type { MetadataBearer, PaginationConfiguration, Paginator } from "@smithy/types";
import type { Command } from "./command.js";
import type { SendOptions } from "./config.js";

/** Options of a `paginateXxx` function, as in the official client. */
export interface CodePipelinePaginationConfiguration extends Omit<PaginationConfiguration, "client"> {
  /** A `CodePipelineClient` (or anything with its `send`). */
  client: { send(command: any, options?: SendOptions): Promise<any> };
}

type Items<O, K extends keyof O> = NonNullable<O[K]> extends readonly (infer T)[] ? T : never;

/** A generated `paginateXxx`: pages as an async iterable, or every item with `.items(...)`. */
export interface PaginateFunction<I, O, K extends keyof O> {
  (config: CodePipelinePaginationConfiguration, input?: I, ...rest: any[]): Paginator<O>;
  /** Iterates the items of every page, without a page loop. */
  items(config: CodePipelinePaginationConfiguration, input?: I, ...rest: any[]): AsyncGenerator<Items<O, K>, undefined, unknown>;
}

/**
 * Builds a paginator. Unlike the official client it never changes the caller's
 * input, and it always stops when the service returns the token it was just sent.
 */
export function createPaginator<I extends object, O extends MetadataBearer, K extends keyof O>(
  command: new (input: I) => Command<I, O>,
  inputToken: string,
  outputToken: string,
  items: K,
  pageSize?: string,
): PaginateFunction<I, O, K> {
  async function* paginate(config: CodePipelinePaginationConfiguration, input: I = {} as I, ...rest: any[]): Paginator<O> {
    const client = config?.client;
    if (typeof client?.send !== "function") throw new TypeError("Invalid client, expected instance of CodePipelineClient");
    let token: unknown = config.startingToken ?? (input as any)[inputToken];
    for (;;) {
      const request: any = { ...input, [inputToken]: token };
      if (pageSize && request[pageSize] === undefined && config.pageSize !== undefined) request[pageSize] = config.pageSize;
      const page: O = await client.send(new command(request), ...rest);
      yield page;
      const next = (page as any)[outputToken];
      if (!next || next === token) return undefined;
      token = next;
    }
  }
  paginate.items = async function* (config: CodePipelinePaginationConfiguration, input?: I, ...rest: any[]) {
    for await (const page of paginate(config, input, ...rest)) yield* ((page[items] ?? []) as Items<O, K>[]);
    return undefined;
  };
  return paginate as PaginateFunction<I, O, K>;
}
