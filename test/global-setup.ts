import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Tests that run the CLI or the function as real processes need the built code in dist/ (tsc's) and dist/bundle/ (the bin and `main`). */
export default function globalSetup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  try {
    execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "pipe" });
  } catch (error) {
    // tsc still writes dist/ on type errors; the typecheck itself is `npm run typecheck`.
    const output = String((error as { stdout?: Buffer }).stdout ?? "");
    process.stderr.write(`\nglobal setup: tsc reported problems (dist/ was still written):\n${output.slice(0, 2000)}\n`);
  }
  execFileSync(process.execPath, ["build/bundle.mjs"], { cwd: root, stdio: "inherit" });
}
