import { defineConfig } from "vitest/config";

// The runtime smoke suite: the smoke program in Node 20/22/24/26, Bun, Deno and workerd.
// Runs on its own with `npm run test:runtimes` (after `npm run build` and
// `npm ci --ignore-scripts --prefix test/runtimes`), not in `npm test`.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/runtimes/**/*.e2e.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
  },
});
