import { defineConfig, type Options } from "tsup";
import { browserNoExternal, browserPlugins, browserRuntime, failureApart } from "./scripts/browser-plugins.mjs";

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
    esbuildPlugins: [...browserPlugins, failureApart],
    noExternal: browserNoExternal,
    clean: true,
  },
  // The failure module, built on its own with the error classification in it (the browser runtime's
  // `import()` of it points here, see failureApart): in the main build, the classification would share a
  // chunk with the workflow helpers, and esbuild's entry file imports every chunk, so consumers' esbuild
  // builds would load it at start-up. The helpers keep their own copy in the main build.
  {
    ...common,
    entry: { failure: "src/failure.ts" },
    format: ["esm"],
    platform: "browser",
    outDir: "dist/browser-lazy",
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
