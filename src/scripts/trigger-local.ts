import { randomUUID } from "node:crypto";
import { DEFAULT_TOPIC, parseJobArgs, runScript } from "./job-args.js";
import { isMain } from "../is-main.js";
import { printable } from "../printable.js";

export interface TriggerIo {
  fetch: typeof fetch;
  stdout: (line: string) => void;
}

/**
 * Posts the Pub/Sub push body of a job to a local Functions Framework server, at a
 * `/projects/P/topics/T` path so the framework turns it into the production CloudEvent.
 * Usage: `trigger-local <job> [--date D] [--only NAME] [--url http://localhost:8080] [--project P] [--topic T]`
 */
export async function main(argv: string[], env: Record<string, string | undefined>, io: TriggerIo): Promise<number> {
  const args = parseJobArgs(argv);
  const base = args.url ?? `http://localhost:${env.PORT ?? "8080"}`;
  const project = args.project ?? "local-project";
  const url = `${base.replace(/\/$/, "")}/projects/${project}/topics/${args.topic ?? DEFAULT_TOPIC}`;
  const messageId = randomUUID();
  const body = {
    subscription: `projects/${project}/subscriptions/local-push`,
    message: { data: args.data, attributes: { job: args.request.job }, messageId, publishTime: new Date().toISOString() },
  };
  const response = await io.fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = (await response.text()).trim();
  io.stdout(printable(`${JSON.stringify(args.request)} -> POST ${url}: ${response.status}${text ? ` ${text}` : ""}`));
  return response.ok ? 0 : 1;
}

if (isMain(import.meta.url)) {
  await runScript(() => main(process.argv.slice(2), process.env, { fetch, stdout: (line) => console.log(line) }));
}
