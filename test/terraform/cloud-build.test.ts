import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { archiveFiles } from "../../bench/deploy-archive.js";
import { postToPackageFunction } from "../helpers/package-function.js";
import type { ManagedProcess } from "../helpers/processes.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

/**
 * What Cloud Build does with the uploaded source: the archive's files (no dist/), `npm ci` with
 * devDependencies (node_modules is linked here), `npm run gcp-build`; then the runtime's Functions
 * Framework loads package.json `main` from that folder.
 */
describe("Cloud Build on the uploaded source", () => {
  let workspace: string;
  let fn: ManagedProcess | undefined;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), "kpi-workspace-"));
    for (const file of archiveFiles(ROOT)) {
      await mkdir(dirname(join(workspace, file)), { recursive: true });
      await copyFile(join(ROOT, file), join(workspace, file));
    }
    await symlink(join(ROOT, "node_modules"), join(workspace, "node_modules"), "dir");
  });
  afterAll(async () => {
    await fn?.stop();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  it("gcp-build bundles the uploaded src/ into the `main` the runtime serves kpiCollector from", async () => {
    const pkg = JSON.parse(await readFile(join(workspace, "package.json"), "utf8")) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toMatch(/^dist\/bundle\//);
    await run("npm", ["run", "gcp-build"], { cwd: workspace, env: { ...process.env, NODE_OPTIONS: "" }, timeout: 120_000 });
    let response: Response;
    ({ fn, response } = await postToPackageFunction(workspace, "missing.yaml", "build-1"));
    // The bundle ran: its handler read KPI_CONFIG, relative to the workspace, and acknowledged the event.
    expect(response.status).toBe(204);
    await fn.waitForOutput(/missing\.yaml: file not found/, 30_000);
  });
});
