import { errorMessage } from "../errors.js";
import { parseJobArgs, resolveProject, resolveTopic, runScript } from "./job-args.js";
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
  const project = resolveProject(args.project, env);
  const topic = resolveTopic(args.topic, env);
  const where = env.PUBSUB_EMULATOR_HOST ? ` (emulator ${env.PUBSUB_EMULATOR_HOST})` : "";
  let id: string;
  try {
    id = await publish(project, topic, { data: Buffer.from(args.data, "base64"), attributes: { job: args.request.job } });
  } catch (error) {
    const notFound = (error as { code?: unknown }).code === NOT_FOUND;
    const hint = !notFound
      ? ""
      : env.PUBSUB_EMULATOR_HOST
        ? "; create it with `npm run emulator:setup`"
        : "; `terraform apply` creates it: check --project and --topic (or KPI_TOPIC)";
    throw new Error(`could not publish to projects/${project}/topics/${topic}${where}: ${errorMessage(error)}${hint}`, { cause: error });
  }
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
    timer = setTimeout(
      () =>
        reject(
          new Error(`Pub/Sub did not answer within ${PUBLISH_TIMEOUT_MS / 1000} s; check the project, the topic, your credentials or PUBSUB_EMULATOR_HOST`),
        ),
      PUBLISH_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([client.topic(topic).publishMessage(message), timeout]);
  } finally {
    clearTimeout(timer);
    await client.close();
  }
};

const PUBLISH_TIMEOUT_MS = 30_000;
/** The gRPC status Pub/Sub answers for a topic that does not exist. */
const NOT_FOUND = 5;

if (isMain(import.meta.url)) {
  await runScript(() => main(process.argv.slice(2), process.env, pubsubPublisher, (line) => console.log(line)));
}
