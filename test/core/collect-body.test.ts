// Node's body collection: a response that arrived whole is read at once, and the result is given
// whether the stream then ends or is closed (destroyed) without its end.
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { runtime } from "../../src/runtime/node.js";

/** A stand-in for a complete IncomingMessage whose body is buffered and not yet read. */
class CompleteResponse extends EventEmitter {
  readonly complete = true;
  readonly readableFlowing = null;
  reads = 0;
  constructor(private buffered: Buffer | null) {
    super();
  }
  get readableLength() {
    return this.buffered?.length ?? 0;
  }
  read() {
    this.reads++;
    const b = this.buffered;
    this.buffered = null;
    return b;
  }
}
const completeResponse = (body: string) => new CompleteResponse(Buffer.from(body));

describe("collectBody in Node", () => {
  it("reads a complete response at once and settles at its end", async () => {
    const res = completeResponse('{"pipelines":[]}');
    let settled = false;
    const body = runtime.collectBody(res as never).then((b) => ((settled = true), b));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false); // waits for the end, so node:http frees the socket first
    res.emit("end");
    expect(Buffer.from(await body).toString()).toBe('{"pipelines":[]}');
    expect(res.reads).toBe(1);
    expect(res.listenerCount("data")).toBe(0); // no flowing mode
  });

  it("gives the body of a complete response that is closed without its end", async () => {
    const res = completeResponse("{}");
    const body = runtime.collectBody(res as never);
    res.emit("close");
    expect(Buffer.from(await body).toString()).toBe("{}");
  });
});
