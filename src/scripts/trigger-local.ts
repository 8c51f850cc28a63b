import { randomUUID } from "node:crypto";
import { DEFAULT_TOPIC, localFunctionBase, parseJobArgs, runScript } from "./job-args.js";
import { isMain } from "../is-main.js";
import { printable } from "../printable.js";
import { LOCAL_FUNCTION_LOG, readEventLog } from "./local-log.js";

export interface TriggerIo {
  fetch: typeof fetch;
  stdout: (line: string) => void;
  /** The local function's log, as `npm start` writes it. @default `.kpi/function.log` */
  logPath?: string;
  /** How long to wait for the run's closing line after the answer. @default 5000 */
  logWaitMs?: number;
}

/** The server answered before its log line reached the file; it is polled this often. */
const POLL_MS = 50;

/**
 * Posts the Pub/Sub push body of a job to a local Functions Framework server, at a
 * `/projects/P/topics/T` path so the framework turns it into the production CloudEvent,
 * then reports how the run ended, read from the function's log (the answer is 204 for a run
 * that was acknowledged without running, too).
 * Usage: `trigger-local <job> [--date D] [--only NAME] [--url http://localhost:8080] [--project P] [--topic T]`
 */
export async function main(argv: string[], env: Record<string, string | undefined>, io: TriggerIo): Promise<number> {
  const args = parseJobArgs(argv);
  const base = localFunctionBase(args.url, env);
  const project = args.project ?? "local-project";
  const url = `${base}/projects/${project}/topics/${args.topic ?? DEFAULT_TOPIC}`;
  const messageId = randomUUID();
  const body = {
    subscription: `projects/${project}/subscriptions/local-push`,
    message: { data: args.data, attributes: { job: args.request.job }, messageId, publishTime: new Date().toISOString() },
  };
  let response: Response;
  try {
    response = await io.fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== "ECONNREFUSED") throw error;
    io.stdout(`No function is listening at ${base}. Start one in another terminal with \`npm start\` (port 8080, or PORT), then run this again.`);
    return 1;
  }
  const text = (await response.text()).trim();
  io.stdout(printable(`${JSON.stringify(args.request)} -> POST ${url}: ${response.status}${text ? ` ${text}` : ""}`));
  const logPath = io.logPath ?? LOCAL_FUNCTION_LOG;
  const log = await waitForEventLog(logPath, messageId, io.logWaitMs ?? 5000);
  if (!log) {
    io.stdout(`No outcome for this run in ${logPath}: read it in the function's output (\`npm start\` copies it there; a server started otherwise does not).`);
    return response.ok ? 0 : 1;
  }
  const { last } = log;
  io.stdout(printable(`outcome: ${last.outcome}: ${last.message}`));
  return last.outcome === "ok" ? 0 : 1;
}

async function waitForEventLog(path: string, eventId: string, waitMs: number) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const log = await readEventLog(path, eventId);
    if (log || Date.now() >= deadline) return log;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

if (isMain(import.meta.url)) {
  await runScript(() => main(process.argv.slice(2), process.env, { fetch, stdout: (line) => console.log(line) }));
}
