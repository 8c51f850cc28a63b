import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Where the tests that run the CLI or the function as processes find src/ built. Not dist/: a
 * user's `npx kpi-collector` runs from dist/, and a test run must not rewrite it under their feet.
 */
export const TEST_BUILD_DIR = join(ROOT, ".test-dist");

/** The bundles (the bin and `main` as shipped), built for the tests next to tsc's output. */
export const TEST_BUNDLE_DIR = join(TEST_BUILD_DIR, "bundle");

export default function globalSetup(): void {
  try {
    execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json", "--outDir", TEST_BUILD_DIR], { cwd: ROOT, stdio: "pipe" });
  } catch (error) {
    // tsc still writes its output on type errors; the typecheck itself is `npm run typecheck`.
    const output = String((error as { stdout?: Buffer }).stdout ?? "");
    process.stderr.write(`\nglobal setup: tsc reported problems (${TEST_BUILD_DIR} was still written):\n${output.slice(0, 2000)}\n`);
  }
  execFileSync(process.execPath, ["build/bundle.mjs", "--outdir", TEST_BUNDLE_DIR], { cwd: ROOT, stdio: "inherit" });
  writeTestPackage();
}

/**
 * The build is a package of its own, as dist/ is inside the repository: package.json with its
 * `main`, `types`, `exports` and `bin` moved from dist/ to here. So `import "kpi-collector"` and
 * the Functions Framework's lookup of `main` resolve in it as they do in the published package.
 */
function writeTestPackage(): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
  const moved = JSON.parse(JSON.stringify({ main: pkg.main, types: pkg.types, exports: pkg.exports, bin: pkg.bin }).replace(/"(?:\.\/)?dist\//g, '"./'));
  writeFileSync(join(TEST_BUILD_DIR, "package.json"), JSON.stringify({ name: pkg.name, type: pkg.type, ...moved }, null, 2) + "\n");
}
