#!/usr/bin/env node
// `npm run bundle [-- --outdir DIR]`: the CLI, the function's entry and the parse worker as ESM bundles in dist/bundle/,
// split so that a run loads only the chunks of what it uses. Plain JavaScript, so Cloud Build's
// `gcp-build` runs it with nothing but esbuild (a devDependency) installed.
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const OUT_DIR = join(ROOT, "dist/bundle");

/** Bundle file name (without .js) → its TypeScript entry. The worker's entry is there once its source is. */
export const ENTRIES = {
  "kpi-collector": "src/cli/bin.ts",
  function: "src/function/entry.ts",
  demo: "src/demo/main.ts",
  "parse-worker": "src/sources/parse-worker.ts",
};

/**
 * Left to node_modules at run time:
 * - the Functions Framework, whose own registry the entry must register with (a bundled copy would be a second, unseen one);
 * - @resvg/resvg-js, a native addon;
 * - stripe and google-auth-library, large, used by one preset each and imported lazily by it;
 * - @google-cloud/pubsub, the publish script's (a devDependency).
 * echarts and the DejaVu font are found by render-chart.ts's own createRequire at run time, so esbuild never sees them.
 */
export const EXTERNAL = ["@google-cloud/functions-framework", "@resvg/resvg-js", "stripe", "google-auth-library", "@google-cloud/pubsub"];

// CommonJS dependencies (the Notion client, tough-cookie's helpers) call require() for Node's built-ins,
// which an ES module does not have.
export const BANNER = 'import { createRequire as __kpiCreateRequire } from "node:module"; const require = __kpiCreateRequire(import.meta.url);';

/**
 * got imports http2-wrapper when it loads, for its `http2` option, which kpi-collector never sets:
 * evaluating it (it loads Node's http2 module) cost every run about 10 ms. got's import is answered
 * with the two members got reads, which evaluate the real, bundled module on first use.
 */
export const lazyHttp2Wrapper = {
  name: "lazy-http2-wrapper",
  setup(build) {
    build.onResolve({ filter: /^http2-wrapper$/ }, (args) =>
      args.importer.includes(`${sep}node_modules${sep}got${sep}`) ? { path: "http2-wrapper", namespace: "lazy-http2-wrapper" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-http2-wrapper" }, () => ({
      contents:
        'const real = () => require("http2-wrapper");\n' +
        "export default { get globalAgent() { return real().globalAgent; }, get auto() { return real().auto; } };\n",
      resolveDir: ROOT,
      loader: "js",
    }));
  },
};

/** Builds dist/bundle/ (or `outDir`) and writes esbuild's metafile next to it (meta.json), which the module-graph test reads. */
export async function bundle(outDir = OUT_DIR) {
  const entryPoints = Object.entries(ENTRIES)
    .filter(([, source]) => existsSync(join(ROOT, source)))
    .map(([out, source]) => ({ out, in: join(ROOT, source) }));
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir: outDir,
    // One flat folder: `new URL("./parse-worker.js", import.meta.url)` in any chunk names the worker's bundle.
    entryNames: "[name]",
    chunkNames: "chunk-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // Whitespace and syntax only. Mangled identifiers need esbuild's keepNames to keep class names
    // (KpiError's name is new.target.name), and keepNames' calls cost a dry run about 20 ms of CPU,
    // more than the shorter names save. Names stay as written, except that a class which refers to itself
    // is named `_Name` inside (e.g. DiscordError): only a stack trace shows it.
    minifyWhitespace: process.env.KPI_BUNDLE_MINIFY !== "0",
    minifySyntax: process.env.KPI_BUNDLE_MINIFY !== "0",
    legalComments: "none",
    external: EXTERNAL,
    banner: { js: BANNER },
    metafile: true,
    plugins: [lazyHttp2Wrapper],
    logLevel: "warning",
  });
  await writeFile(join(outDir, "meta.json"), JSON.stringify(result.metafile));
  // package.json's `bin`; node reads these .js files as ES modules by the root package.json's "type": "module".
  await chmod(join(outDir, "kpi-collector.js"), 0o755);
  return result.metafile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { outdir: { type: "string" } } });
  await bundle(values.outdir ? resolve(values.outdir) : OUT_DIR);
}
