// esbuild plugins of the browser build (tsup.config.ts), shared with scripts/bench/bundles.mjs so the
// per-module breakdown bundles src/ the way dist/browser is built.
import path from "node:path";

/** Points the runtime module at its browser twin. */
export const browserRuntime = {
  name: "browser-runtime",
  setup(build) {
    build.onResolve({ filter: /\/runtime\/node\.js$/ }, (args) => ({
      path: path.join(args.resolveDir, "runtime", "browser.ts"),
    }));
  },
};

/**
 * Browser build: @smithy/signature-v4 and @smithy/fetch-http-handler are bundled in, and their imports of
 * @smithy/core's `serde`, `protocols` and `client` entries point at the few modules they use; so do the
 * client's own (src/: the signer and the browser hash take hex and UTF-8 conversions from the modules the
 * signer package uses, so a bundle holds one copy of each).
 * - serde's entry module runs top-level calls (a blob adapter class built by a function, a UUID function)
 *   that esbuild cannot drop from a consumer's bundle, and brings base64, UUID and stream code the client
 *   never calls (1.4 KB gzipped on esbuild's start-up path, 0.3 KB in one file).
 * - protocols' entry re-exports HttpProtocol, whose `import()` of the event-stream code makes esbuild
 *   emit a 16 KB chunk in every split build of a consumer (never loaded), and the pieces the consumer
 *   shared with it went into a start-up chunk of their own.
 * fetch-http-handler's entry re-exports `streamCollector` from serde's entry; that import keeps the real
 * module, which the build then drops (nothing calls it).
 * Paths are relative to @smithy/core's `dist-es/submodules`; a name missing here fails the build.
 */
const SMITHY_CORE_PIECES = {
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
export const smithyCorePieces = {
  name: "smithy-core-pieces",
  setup(build) {
    build.onResolve({ filter: /^@smithy\/core\/(serde|protocols|client)$/ }, async (args) => {
      const sub = args.path.slice("@smithy/core/".length);
      const fromSigner = /[\\/]@smithy[\\/]signature-v4[\\/]/.test(args.importer);
      const fromFetch = /[\\/]@smithy[\\/]fetch-http-handler[\\/]/.test(args.importer);
      const fromClient = /[\\/]src[\\/]/.test(args.importer);
      if (!fromSigner && !fromClient && !(fromFetch && sub !== "serde")) return undefined;
      const entry = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir });
      if (entry.errors.length) return { errors: entry.errors };
      return { path: `${path.dirname(path.dirname(entry.path))}|${sub}`, namespace: "smithy-core-pieces" };
    });
    build.onLoad({ filter: /.*/, namespace: "smithy-core-pieces" }, (args) => {
      const [dir, sub] = args.path.split("|");
      return {
        contents: Object.entries(SMITHY_CORE_PIECES[sub])
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
export const sha256Module = {
  name: "sha256-module",
  setup(build) {
    build.onResolve({ filter: /^@aws-crypto\/sha256-js\/build\/main\/RawSha256\.js$/ }, (args) =>
      build.resolve(args.path.replace("/build/main/", "/build/module/"), { kind: args.kind, resolveDir: args.resolveDir }),
    );
  },
};

/** The browser build of the main entries: its plugins, and the packages bundled into it (@smithy/core: the pieces above). */
export const browserPlugins = [browserRuntime, smithyCorePieces, sha256Module];
export const browserNoExternal = ["@smithy/signature-v4", "@smithy/fetch-http-handler", "@aws-crypto/sha256-js", "@smithy/core"];

/** The failure module's import in the browser runtime points at its own build (dist/browser-lazy/failure.js). */
export const failureApart = {
  name: "failure-apart",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/failure\.js$/ }, () => ({ path: "../browser-lazy/failure.js", external: true }));
  },
};
