import { defineConfig } from "vitest/config";

// The real-browser test: Debian's chromium driven by playwright-core. Runs on its
// own with `npm run test:browser` (after `npm run build`), not in `npm test`.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/browser/**/*.e2e.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
