import { afterAll, describe, expect, it } from "@jest/globals";
import { TEST_BUILD_DIR } from "../global-setup.js";
import { postToPackageFunction } from "../helpers/package-function.js";
import type { ManagedProcess } from "../helpers/processes.js";

describe("package.json main, as the Functions Framework loads it", () => {
  let fn: ManagedProcess | undefined;
  afterAll(async () => fn?.stop());

  it("serves kpiCollector from the repository root, though `exports` points the package name at the library", async () => {
    // No --source: the framework resolves the current directory's package, as the buildpack's /workspace
    // (here the test build, a package like dist/: see global-setup.ts).
    let response: Response;
    ({ fn, response } = await postToPackageFunction(TEST_BUILD_DIR, "does/not/exist.yaml", "main-1"));
    // A missing config is acknowledged (a redelivery can't fix it) and logged with the path.
    expect(response.status).toBe(204);
    await fn.waitForOutput(/does\/not\/exist\.yaml: file not found/, 30_000);
  });
});
