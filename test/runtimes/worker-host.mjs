// Runs the smoke program as a module Worker in workerd, through miniflare's API
// (miniflare 4 needs Node 22 or later). The Worker is the esbuild bundle of worker.mjs
// with the package's browser build, with no nodejs_compat flag: only web APIs.
// Arguments: the Worker's entry (worker.mjs in the app) and the options as JSON; results as
// JSON on stdout.
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const [entry, options] = process.argv.slice(2);
const bundled = await build({
  entryPoints: [entry],
  bundle: true,
  format: "esm",
  platform: "browser",
  write: false,
  logLevel: "silent",
});
const mf = new Miniflare({
  modules: true,
  script: bundled.outputFiles[0].text,
  compatibilityDate: "2026-07-01",
});
try {
  const response = await mf.dispatchFetch("http://smoke.local/", { method: "POST", body: options });
  const text = await response.text();
  if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${text.slice(0, 2000)}`);
  console.log(text);
} finally {
  await mf.dispose();
}
