import { defineConfig, type Options } from "tsup";
import { browserNoExternal, browserPlugins, browserRuntime } from "./scripts/browser-plugins.mjs";

const common: Options = {
  sourcemap: false,
  treeshake: true,
  target: "es2022",
  splitting: true,
};

export default defineConfig([
  {
    ...common,
    entry: {
      index: "src/index.ts",
      validation: "src/validation/index.ts",
      retry: "src/retry/index.ts",
      testing: "src/testing/index.ts",
      otel: "src/otel/index.ts",
      local: "src/local/index.ts",
      "local-cli": "src/local/cli.ts",
    },
    format: ["esm", "cjs"],
    platform: "node",
    outDir: "dist/node",
    dts: true,
    clean: true,
  },
  {
    ...common,
    entry: { index: "src/index.ts", validation: "src/validation/index.ts", retry: "src/retry/index.ts", testing: "src/testing/index.ts" },
    format: ["esm"],
    platform: "browser",
    outDir: "dist/browser",
    esbuildPlugins: browserPlugins,
    noExternal: browserNoExternal,
    clean: true,
  },
  // A build of its own: sharing modules with the main entry would split them into a chunk of
  // their own and change the main browser bundle for users who never trace.
  {
    ...common,
    entry: { otel: "src/otel/index.ts" },
    format: ["esm"],
    platform: "browser",
    outDir: "dist/browser-otel",
    esbuildPlugins: [browserRuntime],
    clean: true,
  },
]);
