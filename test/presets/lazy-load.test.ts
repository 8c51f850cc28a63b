import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { built } from "../helpers/built.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `script` as an ES module in a fresh Node (on src/ as the global setup built it), printing every import of stripe, google-auth-library and the Stripe computation. */
function importsOf(script: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "lazy-"));
  writeFileSync(
    join(dir, "hook.mjs"),
    `export async function resolve(specifier, context, next) {
  if (/^(stripe|google-auth-library|\\.\\/stripe-collect\\.js)$/.test(specifier)) process.stdout.write("IMPORT " + specifier + "\\n");
  return next(specifier, context);
}`,
  );
  writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hook.mjs")).href)});`);
  const output = execFileSync(process.execPath, ["--import", pathToFileURL(join(dir, "register.mjs")).href, "--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
  });
  return output.split("\n").filter((line) => line.startsWith("IMPORT "));
}

describe("heavy SDKs", () => {
  it("are not imported by building stripe and ga4 sources, only when one runs", () => {
    const build = `const r = await import(${JSON.stringify(pathToFileURL(built("sources/registry.js")).href)});
for (const options of [{ type: "stripe", name: "s", apiKey: "k" }, { type: "ga4", name: "g", propertyId: "1" }]) r.createSource(r.sourceSchema.parse(options));`;
    expect(importsOf(build)).toEqual([]);
    // The hook does see them when they load: a stripe source that runs (and fails to connect) imports stripe.
    const run = `${build}
const s = r.createSource(r.sourceSchema.parse({ type: "stripe", name: "s", apiKey: "sk_test_k", baseUrl: "http://127.0.0.1:9" }));
await s.collect({ signal: new AbortController().signal, secrets: { add() {} }, logger: { warn() {} }, date: "2024-05-15", timezone: "UTC" }).catch(() => {});`;
    expect(importsOf(run)).toEqual(["IMPORT ./stripe-collect.js", "IMPORT stripe"]);
  });
});
