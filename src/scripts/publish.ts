import { UsageError } from "../cli/usage.js";
import { DEFAULT_TOPIC, parseJobArgs, runScript } from "./job-args.js";
import { isMain } from "../is-main.js";

/** Publishes one message; the real client in production, a fake in tests. */
export type Publisher = (project: string, topic: string, message: { data: Buffer; attributes: Record<string, string> }) => Promise<string>;

/**
 * Publishes a job to the topic, exactly as Cloud Scheduler does: the manual run in production.
 * With `PUBSUB_EMULATOR_HOST` set, the client publishes to the emulator.
 * Usage: `publish <job> [--date D] [--only NAME] [--project P] [--topic T]`
 */
export async function main(argv: string[], env: Record<string, string | undefined>, publish: Publisher, stdout: (line: string) => void): Promise<number> {
  const args = parseJobArgs(argv);
  const project = args.project ?? env.PUBSUB_PROJECT_ID ?? env.GOOGLE_CLOUD_PROJECT ?? env.CLOUDSDK_CORE_PROJECT;
  if (!project) throw new UsageError("no project: pass --project P or set GOOGLE_CLOUD_PROJECT");
  const topic = args.topic ?? env.KPI_TOPIC ?? DEFAULT_TOPIC;
  const id = await publish(project, topic, { data: Buffer.from(args.data, "base64"), attributes: { job: args.request.job } });
  const where = env.PUBSUB_EMULATOR_HOST ? ` (emulator ${env.PUBSUB_EMULATOR_HOST})` : "";
  stdout(`published ${JSON.stringify(args.request)} to projects/${project}/topics/${topic}${where}: message ${id}`);
  return 0;
}

/** The only place `@google-cloud/pubsub` is imported: the function never loads it. */
export const pubsubPublisher: Publisher = async (project, topic, message) => {
  const { PubSub } = await import("@google-cloud/pubsub");
  const client = new PubSub({ projectId: project });
  let timer: NodeJS.Timeout | undefined;
  // Unreachable hosts are otherwise retried for minutes without a word.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Pub/Sub did not answer within ${PUBLISH_TIMEOUT_MS / 1000} s; check the project, the topic, your credentials or PUBSUB_EMULATOR_HOST`)), PUBLISH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([client.topic(topic).publishMessage(message), timeout]);
  } finally {
    clearTimeout(timer);
    await client.close();
  }
};

const PUBLISH_TIMEOUT_MS = 30_000;

if (isMain(import.meta.url)) {
  await runScript(() => main(process.argv.slice(2), process.env, pubsubPublisher, (line) => console.log(line)));
}
