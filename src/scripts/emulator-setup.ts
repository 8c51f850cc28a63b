import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { isMain } from "../is-main.js";
import { localFunctionBase, resolveProject, resolveTopic, runScript } from "./job-args.js";

/** Creates what the emulator needs; the real client in the script, a fake or the real emulator in tests. */
export interface EmulatorAdmin {
  /** Creates the topic; resolves false when it already exists. */
  createTopic(project: string, topic: string): Promise<boolean>;
  /** Creates the push subscription, or points an existing one at `endpoint`. */
  pushTo(project: string, topic: string, subscription: string, endpoint: string): Promise<void>;
}

/**
 * `npm run emulator:setup [-- --project P] [--topic T] [--url http://localhost:8080]`: in the Pub/Sub
 * emulator (PUBSUB_EMULATOR_HOST), the topic Terraform would create and a push subscription to the
 * local function (`npm start`), so `npm run publish` reaches it as Cloud Scheduler's messages would.
 */
export async function main(argv: string[], env: Record<string, string | undefined>, admin: EmulatorAdmin, stdout: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: { project: { type: "string" }, topic: { type: "string" }, url: { type: "string" } } });
  if (!env.PUBSUB_EMULATOR_HOST) {
    throw new UsageError(
      "PUBSUB_EMULATOR_HOST is not set: this sets up the Pub/Sub emulator only (in Google Cloud, `terraform apply` creates the topic). Start the emulator and export PUBSUB_EMULATOR_HOST=localhost:8085",
    );
  }
  const project = resolveProject(values.project, env);
  const topic = resolveTopic(values.topic, env);
  const endpoint = `${localFunctionBase(values.url, env)}/projects/${project}/topics/${topic}`;
  const subscription = `${topic}-local-push`;
  const created = await admin.createTopic(project, topic);
  await admin.pushTo(project, topic, subscription, endpoint);
  stdout(
    `${created ? "created" : "kept"} projects/${project}/topics/${topic} in the emulator ${env.PUBSUB_EMULATOR_HOST}; subscription ${subscription} pushes to ${endpoint}`,
  );
  return 0;
}

/** gRPC status codes the admin calls meet. */
const ALREADY_EXISTS = 6;

/** The only admin use of `@google-cloud/pubsub`; it reads PUBSUB_EMULATOR_HOST itself. */
export const pubsubAdmin: EmulatorAdmin = {
  async createTopic(project, topic) {
    const { PubSub } = await import("@google-cloud/pubsub");
    const client = new PubSub({ projectId: project });
    try {
      await client.createTopic(topic);
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === ALREADY_EXISTS) return false;
      throw new Error(`could not create projects/${project}/topics/${topic}: ${(error as Error).message}`, { cause: error });
    } finally {
      await client.close();
    }
  },
  async pushTo(project, topic, subscription, endpoint) {
    const { PubSub } = await import("@google-cloud/pubsub");
    const client = new PubSub({ projectId: project });
    try {
      await client.topic(topic).createSubscription(subscription, { pushConfig: { pushEndpoint: endpoint }, ackDeadlineSeconds: 60 });
    } catch (error) {
      if ((error as { code?: unknown }).code !== ALREADY_EXISTS)
        throw new Error(`could not create subscription ${subscription} on projects/${project}/topics/${topic}: ${(error as Error).message}`, { cause: error });
      await client.subscription(subscription).modifyPushConfig({ pushEndpoint: endpoint });
    } finally {
      await client.close();
    }
  },
};

if (isMain(import.meta.url)) {
  await runScript(() => main(process.argv.slice(2), process.env, pubsubAdmin, (line) => console.log(line)));
}
