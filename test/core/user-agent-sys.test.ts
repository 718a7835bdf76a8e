/**
 * Deno without --allow-sys throws NotCapable from `os.release()`. The user agent then names the
 * platform alone, and calls go through as usual.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

const real = await vi.hoisted(() => import("node:os"));
vi.mock("node:os", () => ({ ...real, release: vi.fn(real.release) }));

import { release } from "node:os";
import { ListPipelinesCommand } from "../../src/index.js";
import { clientWith, fakeHandler } from "./helpers.js";

class NotCapable extends Error {
  override name = "NotCapable";
}

afterEach(() => {
  vi.mocked(release).mockImplementation(real.release);
});

describe("the user agent where os.release() is not allowed", () => {
  it("leaves the release out and sends the call", async () => {
    vi.mocked(release).mockImplementation(() => {
      throw new NotCapable('Requires sys access to "osRelease", run again with the --allow-sys flag');
    });
    const handler = fakeHandler({ body: { pipelines: [] } });
    const out = await clientWith(handler).send(new ListPipelinesCommand({}));
    expect(out.pipelines).toEqual([]);
    const ua = handler.requests[0]!.headers["user-agent"]!;
    expect(ua).toContain(` os/${process.platform} lang/js md/nodejs#${process.versions.node} `);
    expect(release).toHaveBeenCalled();
  });

  it("keeps the release where it is allowed", async () => {
    const handler = fakeHandler({ body: { pipelines: [] } });
    await clientWith(handler).send(new ListPipelinesCommand({}));
    expect(handler.requests[0]!.headers["user-agent"]).toContain(` os/${process.platform}#${real.release()} lang/js `);
  });
});
