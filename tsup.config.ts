import { defineConfig, type Options } from "tsup";
import path from "node:path";

/** Points the runtime module at its browser twin. */
const browserRuntime = {
  name: "browser-runtime",
  setup(build: any) {
    build.onResolve({ filter: /\/runtime\/node\.js$/ }, (args: any) => ({
      path: path.join(args.resolveDir, "runtime", "browser.ts"),
    }));
  },
};

/**
 * Browser build: @smithy/signature-v4 and @smithy/fetch-http-handler are bundled in, and their imports of
 * @smithy/core's `serde`, `protocols` and `client` entries point at the few modules they use.
 * - serde's entry module runs top-level calls (a blob adapter class built by a function, a UUID function)
 *   that esbuild cannot drop from a consumer's bundle, and brings base64, UUID and stream code the client
 *   never calls (1.4 KB gzipped on esbuild's start-up path, 0.3 KB in one file).
 * - protocols' entry re-exports HttpProtocol, whose `import()` of the event-stream code makes esbuild
 *   emit a 16 KB chunk in every split build of a consumer (never loaded), and the pieces the consumer
 *   shared with it went into a start-up chunk of their own.
 * fetch-http-handler's entry re-exports `streamCollector` from serde's entry; that import keeps the real
 * module, which the build then drops (nothing calls it). The rest of @smithy/core stays external.
 * Paths are relative to @smithy/core's `dist-es/submodules`; a name missing here fails the build.
 */
const SMITHY_CORE_PIECES: Record<string, Record<string, string>> = {
  serde: {
    toHex: "serde/util-hex-encoding/hex-encoding.js",
    fromHex: "serde/util-hex-encoding/hex-encoding.js",
    toUint8Array: "serde/util-utf8/toUint8Array.browser.js",
    fromUtf8: "serde/util-utf8/fromUtf8.browser.js",
    isArrayBuffer: "serde/is-array-buffer/is-array-buffer.js",
    writeKey: "serde/writeKey.js",
    hasOwn: "transport/hasOwn.js",
  },
  protocols: {
    escapeUri: "protocols/util-uri-escape/escape-uri.js",
    buildQueryString: "protocols/querystring-builder/buildQueryString.js",
    HttpRequest: "transport/httpRequest.js",
    HttpResponse: "transport/httpResponse.js",
  },
  client: { normalizeProvider: "transport/normalizeProvider.js" },
};
const smithyCorePieces = {
  name: "smithy-core-pieces",
  setup(build: any) {
    build.onResolve({ filter: /^@smithy\/core\/(serde|protocols|client)$/ }, async (args: any) => {
      const sub = args.path.slice("@smithy/core/".length);
      const fromSigner = /[\\/]@smithy[\\/]signature-v4[\\/]/.test(args.importer);
      const fromFetch = /[\\/]@smithy[\\/]fetch-http-handler[\\/]/.test(args.importer);
      if (!fromSigner && !(fromFetch && sub !== "serde")) return undefined;
      const entry = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir });
      if (entry.errors.length) return { errors: entry.errors };
      return { path: `${path.dirname(path.dirname(entry.path))}|${sub}`, namespace: "smithy-core-pieces" };
    });
    build.onLoad({ filter: /.*/, namespace: "smithy-core-pieces" }, (args: any) => {
      const [dir, sub] = args.path.split("|") as [string, string];
      return {
        contents: Object.entries(SMITHY_CORE_PIECES[sub]!)
          .map(([name, file]) => `export { ${name} } from ${JSON.stringify(path.join(dir, file))};`)
          .join("\n"),
        resolveDir: dir,
        loader: "js",
      };
    });
  },
};

/**
 * The SHA-256 fallback imports `@aws-crypto/sha256-js`'s hash core by its CommonJS path (what Node and the
 * tests load); the browser build takes the package's ES module twin, bundled into the fallback's lazy chunk.
 */
const sha256Module = {
  name: "sha256-module",
  setup(build: any) {
    build.onResolve({ filter: /^@aws-crypto\/sha256-js\/build\/main\/RawSha256\.js$/ }, (args: any) =>
      build.resolve(args.path.replace("/build/main/", "/build/module/"), { kind: args.kind, resolveDir: args.resolveDir }),
    );
  },
};

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
    entry: { index: "src/index.ts", validation: "src/validation/index.ts", testing: "src/testing/index.ts" },
    format: ["esm"],
    platform: "browser",
    outDir: "dist/browser",
    esbuildPlugins: [browserRuntime, smithyCorePieces, sha256Module],
    noExternal: ["@smithy/signature-v4", "@smithy/fetch-http-handler", "@aws-crypto/sha256-js"],
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
