import type { MetadataBearer, PaginationConfiguration, Paginator } from "@smithy/types";
import type { Command } from "./command.js";
import type { SendOptions } from "./config.js";

/** Options of a `paginateXxx` function, as in the official client. */
export interface CodePipelinePaginationConfiguration extends Omit<PaginationConfiguration, "client"> {
  /** A `CodePipelineClient` (or anything with its `send`). */
  client: {
    /** Sends one page request. */
    send(command: any, options?: SendOptions): Promise<any>;
  };
}

type Items<O, K extends keyof O> = NonNullable<O[K]> extends readonly (infer T)[] ? T : never;

/** A generated `paginateXxx`: pages as an async iterable, or every item with `.items(...)`. */
export interface PaginateFunction<I, O, K extends keyof O> {
  (config: CodePipelinePaginationConfiguration, input?: I, ...rest: any[]): Paginator<O>;
  /** Iterates the items of every page, without a page loop. */
  items(config: CodePipelinePaginationConfiguration, input?: I, ...rest: any[]): AsyncGenerator<Items<O, K>, undefined, unknown>;
}

/**
 * Builds a paginator with the official client's signature:
 * `paginateX({ client, pageSize?, startingToken?, stopOnSameToken?, withCommand? }, input, ...sendArgs)`.
 *
 * The first page starts at `startingToken`, or the input's own token. `pageSize`
 * fills the operation's page-size member (when it has one) unless the input
 * sets it. Paging ends when the service returns no token or an empty one.
 *
 * Differences from the official client, both on purpose:
 * - the caller's input is never changed: every page is sent with a copy;
 * - paging also ends, whatever `stopOnSameToken` says, when the service
 *   returns a token this paginator has already sent (the same token twice, or
 *   a cycle), so a misbehaving endpoint cannot cause an endless loop.
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
    const sent = new Set<unknown>();
    for (;;) {
      const request: any = { ...input };
      if (token !== undefined) request[inputToken] = token;
      if (pageSize && request[pageSize] === undefined && config.pageSize !== undefined) request[pageSize] = config.pageSize;
      if (token) sent.add(token);
      let cmd: any = new command(request);
      if (config.withCommand) cmd = config.withCommand(cmd) ?? cmd;
      const page: O = await client.send(cmd, ...rest);
      yield page;
      const next = (page as any)[outputToken];
      if (!next || sent.has(next)) return undefined;
      token = next;
    }
  }
  paginate.items = async function* (config: CodePipelinePaginationConfiguration, input?: I, ...rest: any[]) {
    for await (const page of paginate(config, input, ...rest)) yield* ((page[items] ?? []) as Items<O, K>[]);
    return undefined;
  };
  return paginate as PaginateFunction<I, O, K>;
}
