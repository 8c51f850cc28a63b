import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The parts of esbuild's metafile (dist/bundle/meta.json) the module-graph checks read. */
export interface BundleMeta {
  outputs: Record<
    string,
    { bytes: number; entryPoint?: string; inputs: Record<string, { bytesInOutput: number }>; imports: { path: string; kind: string; external?: boolean }[] }
  >;
}

/** The metafile build/bundle.mjs writes next to the bundles, e.g. dist/bundle/meta.json. Its paths are relative to the repository root. */
export function readBundleMeta(bundleDir: string): BundleMeta {
  return JSON.parse(readFileSync(join(bundleDir, "meta.json"), "utf8")) as BundleMeta;
}

/** An input's path without the folders before node_modules/ (the shared node_modules is a symlink), e.g. "node_modules/zod/v4/core/api.js". */
export function inputName(path: string): string {
  const at = path.lastIndexOf("node_modules/");
  return at >= 0 ? path.slice(at) : path;
}

/** The output file that `source` (e.g. "src/config/load.ts" or "node_modules/cheerio/dist/esm/slim.js") is the entry of: an entry point or a dynamic import. */
export function chunkOf(meta: BundleMeta, source: string): string {
  const found = Object.keys(meta.outputs).find((out) => {
    const entry = meta.outputs[out]?.entryPoint;
    return entry !== undefined && inputName(entry) === source;
  });
  if (!found) throw new Error(`no output of the bundle has the entry ${source}; rebuild it (npm run bundle)`);
  return found;
}

/** The files a chunk loads before it runs: itself and its static imports, transitively. */
export function staticClosure(meta: BundleMeta, output: string): Set<string> {
  const seen = new Set<string>();
  const stack = [output];
  while (stack.length) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of meta.outputs[file]?.imports ?? []) if (i.kind === "import-statement" && !i.external) stack.push(i.path);
  }
  return seen;
}

/** The source modules and package files bundled into `outputs`. */
export function inputsOf(meta: BundleMeta, outputs: Iterable<string>): string[] {
  return [...outputs].flatMap((out) => Object.keys(meta.outputs[out]?.inputs ?? {}).map(inputName));
}
