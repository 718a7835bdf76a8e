import { defineConfig } from "vitest/config";

// The bundler matrix: slow-ish (four bundlers and a packed tarball), so it runs
// on its own with `npm run test:bundlers`, not in `npm test`. Needs `npm run build`.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/bundlers/**/*.e2e.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
