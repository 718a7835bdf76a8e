import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "**/node_modules/**"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    env: {
      // Tests never reach the EC2 instance metadata service (region and credential lookups in Node).
      AWS_EC2_METADATA_DISABLED: "true",
      // The official v3 client, used by the comparison tests, warns about Node 20 once per test file.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
  },
});
