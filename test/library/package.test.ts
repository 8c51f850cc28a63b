import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { ROOT, TEST_BUILD_DIR } from "../global-setup.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

// Inside the package (the test build is one, see global-setup.ts), so `import "kpi-collector"`
// resolves through package.json `exports`, as a self-reference.
const WORK = join(TEST_BUILD_DIR, "library-test");
const run = promisify(execFile);

interface NodeRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function node(args: string[], env: NodeJS.ProcessEnv = {}): Promise<NodeRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: TEST_BUILD_DIR, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(error) };
  }
}

/** The TypeScript block of docs/sources.md that imports the package: the custom-source example. */
async function docsExample(): Promise<string> {
  const markdown = await readFile(join(ROOT, "docs", "sources.md"), "utf8");
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const example = blocks.find((b) => b.includes('from "kpi-collector"'));
  if (!example) throw new Error('docs/sources.md has no ```ts block importing from "kpi-collector"');
  return example;
}

describe("the package's library entry", () => {
  it("imports by the package name with no side effects: no function registered, no listeners, no environment read", async () => {
    // Node's own loader reads its NODE_* variables (and others, seen in a baseline import) on the way: not counted.
    const script = `
      const reads = new Set();
      const env = process.env;
      process.env = new Proxy(env, { get(t, k) { if (typeof k === "string") reads.add(k); return Reflect.get(t, k); } });
      await import("kpi-collector/package.json", { with: { type: "json" } });
      const baseline = new Set(reads);
      reads.clear();
      const listeners = process.eventNames().map(String);
      const lib = await import("kpi-collector");
      const added = process.eventNames().map(String).filter((name) => !listeners.includes(name));
      const envReads = [...reads].filter((k) => !baseline.has(k) && !k.startsWith("NODE_"));
      const { getFunction } = await import("@google-cloud/functions-framework/testing");
      console.log(JSON.stringify({
        exports: Object.keys(lib).sort(),
        added,
        envReads,
        registered: typeof getFunction("kpiCollector"),
      }));`;
    const result = await node(["--input-type=module", "-e", script], { KPI_CONFIG: "kpi.config.yaml" });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const report = JSON.parse(result.stdout) as { exports: string[]; added: string[]; envReads: string[]; registered: string };
    expect(report.exports).toEqual(
      expect.arrayContaining(["Pipeline", "loadConfig", "defineConfig", "buildPipeline", "createSource", "SourceError", "ConfigError"]),
    );
    expect(report.added).toEqual([]);
    expect(report.envReads).toEqual([]);
    expect(report.registered).toBe("undefined");
  });

  describe("the docs' custom-source example, bundled as the docs say and run with node", () => {
    let billing: TestServer;
    let subscriptions: unknown;
    const bundle = join(WORK, "custom-source.mjs");

    beforeAll(async () => {
      billing = await startServer((_req, res) => sendJson(res, 200, subscriptions));
      await mkdir(WORK, { recursive: true });
      await build({
        stdin: { contents: await docsExample(), loader: "ts", resolveDir: WORK, sourcefile: "custom-source.ts" },
        bundle: true,
        platform: "node",
        format: "esm",
        packages: "external",
        outfile: bundle,
        logLevel: "silent",
      });
    });
    afterAll(async () => {
      await billing.close();
      await rm(WORK, { recursive: true, force: true });
    });

    it("typechecks against the package's declarations (package.json `types` through `exports`)", async () => {
      const file = join(WORK, "custom-source.ts");
      await writeFile(file, await docsExample());
      const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
      const flags = [
        "--noEmit",
        "--strict",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2022",
        "--types",
        "node",
        "--skipLibCheck",
      ];
      const result = await node([tsc, ...flags, file]);
      expect({ code: result.code, output: result.stdout + result.stderr }).toEqual({ code: 0, output: "" });
    });

    it("prints the numbers the custom source computed and exits 0", async () => {
      subscriptions = {
        subscriptions: [
          { status: "active", monthlyAmount: 1200 },
          { status: "cancelled", monthlyAmount: 999 },
          { status: "active", monthlyAmount: 305 },
        ],
      };
      const result = await node([bundle], { BILLING_URL: `${billing.url}/subscriptions` });
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toMatch(/MRR\s+1,?505\b/);
      expect(result.stdout).toMatch(/ACTIVE_SUBSCRIPTIONS\s+2\b/);
      expect(billing.requests.at(-1)?.path).toBe("/subscriptions");
    });

    it("reports the source's SourceError and exits 1 when the answer is not what it expects", async () => {
      subscriptions = { plans: [] };
      const result = await node([bundle], { BILLING_URL: `${billing.url}/subscriptions` });
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).toMatch(/billing.*no subscriptions list/);
      expect(result.stdout).not.toMatch(/MRR\s+\d/);
    });
  });
});
