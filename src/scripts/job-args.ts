import { parseArgs } from "node:util";
import { JOBS, type Job } from "../types.js";
import { isUsageError, onlyNames } from "../args.js";
import { UsageError } from "../errors.js";
import { decodeJobRequest, encodeJobRequest, type JobRequest } from "../function/message.js";
import { printable } from "../printable.js";

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
  if (!job || extra !== undefined) throw new UsageError(`give exactly one job: ${JOBS.join(" or ")}`);
  const request: JobRequest = { job: job as Job };
  if (values.date !== undefined) request.date = values.date;
  const only = onlyNames(values.only);
  if (only) request.only = only;
  const data = encodeJobRequest(request);
  try {
    decodeJobRequest({ message: { data } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { request, data, project: values.project, topic: values.topic, url: values.url };
}

/** `--project`, then the environment's project; a usage error when neither names one. */
export function resolveProject(flag: string | undefined, env: Record<string, string | undefined>): string {
  const project = flag ?? env.PUBSUB_PROJECT_ID ?? env.GOOGLE_CLOUD_PROJECT ?? env.CLOUDSDK_CORE_PROJECT;
  if (!project) throw new UsageError("no project: pass --project P or set GOOGLE_CLOUD_PROJECT");
  return project;
}

/** `--topic`, then `KPI_TOPIC`, then the topic Terraform creates. */
export function resolveTopic(flag: string | undefined, env: Record<string, string | undefined>): string {
  return flag ?? env.KPI_TOPIC ?? DEFAULT_TOPIC;
}

/** The local function's base URL: `--url`, else localhost on PORT (8080), as `npm start` serves it. */
export function localFunctionBase(flag: string | undefined, env: Record<string, string | undefined>): string {
  return (flag ?? `http://localhost:${env.PORT ?? "8080"}`).replace(/\/$/, "");
}

/** Runs a script's `main` when the file is executed directly, and sets the exit code. */
export async function runScript(main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    const usage = isUsageError(error);
    process.stderr.write(`${usage ? "usage error" : "error"}: ${printable((error as Error).message)}\n`);
    process.exitCode = usage ? 2 : 1;
  }
}
