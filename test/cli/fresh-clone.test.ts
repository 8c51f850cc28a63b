import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, realpath, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import { ROOT } from "../global-setup.js";

const run = promisify(execFile);

/**
 * A fresh clone, as a new user has it: the files git tracks (as they are in the work tree) and
 * node_modules. `npm ci` would install the packages and then run the `prepare` script; the packages
 * are linked instead (a real install needs the network), and `prepare` is run as npm ci runs it.
 */
let clone: string;
beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), "kpi-clone-"));
  const { stdout } = await run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  for (const file of stdout.split("\0").filter(Boolean)) {
    const exists = await stat(join(ROOT, file)).catch(() => undefined);
    if (!exists?.isFile()) continue;
    await mkdir(dirname(join(clone, file)), { recursive: true });
    await cp(join(ROOT, file), join(clone, file));
  }
  await symlink(await realpath(join(ROOT, "node_modules")), join(clone, "node_modules"));
  await run("npm", ["run", "prepare"], { cwd: clone, env: { ...process.env, NODE_OPTIONS: "" }, timeout: 240_000 });
}, 300_000);

afterAll(() => rm(clone, { recursive: true, force: true }));

it("`npx kpi-collector` works right after the install: the bin is built and executable", async () => {
  expect((await stat(join(clone, "dist/src/cli/bin.js"))).mode & 0o111).not.toBe(0);
  const { stdout } = await run("npx", ["--no-install", "kpi-collector", "validate", "--config", "kpi.local.yaml"], {
    cwd: clone,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    timeout: 60_000,
  });
  expect(stdout).toContain("kpi.local.yaml is valid: 2 source(s), 2 destination(s)");
}, 120_000);
