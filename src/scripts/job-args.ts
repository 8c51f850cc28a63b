import { parseArgs } from "node:util";
import { JOBS, type Job } from "../types.js";
import { decodeJobRequest, encodeJobRequest, type JobRequest } from "../function/message.js";

/** The topic Terraform creates with the default `name_prefix`. */
export const DEFAULT_TOPIC = "kpi-collector-runs";

export interface JobArgs {
  request: JobRequest;
  /** Base64 JSON of `request`, exactly what Cloud Scheduler publishes. */
  data: string;
  project?: string;
  topic?: string;
  url?: string;
}

export class ScriptUsageError extends Error {}

/** `<job> [--date D] [--only NAME]... [--project P] [--topic T] [--url U]`, checked the way the function checks a message. */
export function parseJobArgs(argv: string[]): JobArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      date: { type: "string" },
      only: { type: "string", multiple: true },
      project: { type: "string" },
      topic: { type: "string" },
      url: { type: "string" },
    },
  });
  const [job, extra] = positionals;
  if (!job || extra !== undefined) throw new ScriptUsageError(`give exactly one job: ${JOBS.join(" or ")}`);
  const request: JobRequest = { job: job as Job };
  if (values.date !== undefined) request.date = values.date;
  if (values.only) request.only = values.only.flatMap((o) => o.split(",")).filter(Boolean);
  const data = encodeJobRequest(request);
  try {
    decodeJobRequest({ message: { data } });
  } catch (error) {
    throw new ScriptUsageError((error as Error).message);
  }
  return { request, data, project: values.project, topic: values.topic, url: values.url };
}

/** Runs a script's `main` when the file is executed directly, and sets the exit code. */
export async function runScript(main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const usage = error instanceof ScriptUsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"));
    process.stderr.write(`${usage ? "usage error" : "error"}: ${(error as Error).message}\n`);
    process.exitCode = usage ? 2 : 1;
  }
}
