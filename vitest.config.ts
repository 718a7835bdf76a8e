import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "**/node_modules/**"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Tests never reach the EC2 instance metadata service (region and credential lookups in Node).
    env: { AWS_EC2_METADATA_DISABLED: "true" },
  },
});
