import { afterAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { ROOT, TEST_BUILD_DIR } from "../global-setup.js";
import { freePort, startProcess, type ManagedProcess } from "../helpers/processes.js";

describe("package.json main, as the Functions Framework loads it", () => {
  let fn: ManagedProcess | undefined;
  afterAll(async () => fn?.stop());

  it("serves kpiCollector from the repository root, though `exports` points the package name at the library", async () => {
    const port = await freePort();
    // No --source: the framework resolves the current directory's package, as the buildpack's /workspace
    // (here the test build, a package like dist/: see global-setup.ts).
    fn = startProcess(
      "functions-framework",
      process.execPath,
      [
        join(ROOT, "node_modules/@google-cloud/functions-framework/build/src/main.js"),
        "--target=kpiCollector",
        "--signature-type=cloudevent",
        `--port=${port}`,
      ],
      { cwd: TEST_BUILD_DIR, env: { PATH: process.env.PATH, HOME: process.env.HOME, KPI_CONFIG: "does/not/exist.yaml" } },
    );
    await fn.waitForOutput(/URL: http:\/\/localhost:\d+\//, 60_000);
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "ce-id": "main-1",
        "ce-specversion": "1.0",
        "ce-type": "google.cloud.pubsub.topic.v1.messagePublished",
        "ce-source": "//pubsub.googleapis.com/projects/p/topics/t",
        "ce-time": new Date().toISOString(),
      },
      body: JSON.stringify({ message: { data: Buffer.from('{"job":"daily"}').toString("base64"), messageId: "main-1" } }),
    });
    // A missing config is acknowledged (a redelivery can't fix it) and logged with the path.
    expect(response.status).toBe(204);
    await fn.waitForOutput(/does\/not\/exist\.yaml: file not found/, 30_000);
  });
});
