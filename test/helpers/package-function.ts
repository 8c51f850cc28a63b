import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startProcess, type ManagedProcess } from "./processes.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Starts the Functions Framework with no --source in `cwd`, as the runtime does in /workspace (it
 * loads that folder's package.json `main`), and posts one daily Pub/Sub CloudEvent to it.
 * `KPI_CONFIG` names a config that does not exist, so the handler's answer is an acknowledgement.
 */
export async function postToPackageFunction(cwd: string, kpiConfig: string, eventId: string): Promise<{ fn: ManagedProcess; response: Response }> {
  const port = await freePort();
  const framework = join(ROOT, "node_modules/@google-cloud/functions-framework/build/src/main.js");
  const fn = startProcess("functions-framework", process.execPath, [framework, "--target=kpiCollector", "--signature-type=cloudevent", `--port=${port}`], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, KPI_CONFIG: kpiConfig },
  });
  await fn.waitForOutput(/URL: http:\/\/localhost:\d+\//, 60_000);
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "ce-id": eventId,
      "ce-specversion": "1.0",
      "ce-type": "google.cloud.pubsub.topic.v1.messagePublished",
      "ce-source": "//pubsub.googleapis.com/projects/p/topics/t",
      "ce-time": new Date().toISOString(),
    },
    body: JSON.stringify({ message: { data: Buffer.from('{"job":"daily"}').toString("base64"), messageId: eventId } }),
  });
  return { fn, response };
}
