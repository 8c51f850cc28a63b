import { buildPipeline } from "../build.js";
import { JOBS, type Job } from "../types.js";
import { UsageError } from "../errors.js";
import { checkDateNotFuture, checkOnlyFlag } from "./flags.js";
import { daysBetween } from "../dates.js";
import { cliLogger, loadCliConfig, type CliIo } from "./context.js";
import { terminalProgress, type TerminalProgress } from "./progress.js";
import { CONSOLE_TYPE } from "../destinations/console.js";
import { formatSnapshotTable } from "../snapshot-table.js";
import type { LogRecord } from "../log/logger.js";
import { logRunSummary, summarizeRun } from "../run-summary.js";
import { printableLine } from "../printable.js";

export interface RunArgs {
  config?: string;
  job?: string;
  date?: string;
  dryRun?: boolean;
  only?: string[];
}

/** Beyond this many days back, `--date` is more likely a mistake than a missed run. */
const PAST_DATE_WARNING_DAYS = 3;

/** `--date` stores today's values under an earlier date: said plainly when that date is more than a few days back. */
function warnPastDate(date: string, today: string, io: CliIo): void {
  const days = daysBetween(date, today);
  if (days > PAST_DATE_WARNING_DAYS) {
    io.stderr.write(
      `warning: --date ${date} is ${days} days ago: the values are collected now and stored under ${date}; they are today's numbers, not that day's\n`,
    );
  }
}

/** `kpi-collector run`: exit 0 when every destination wrote, 1 otherwise. */
export async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  const started = Date.now();
  const job = (args.job ?? "daily") as Job;
  if (!JOBS.includes(job)) throw new UsageError(`--job: unknown job "${args.job}"; use one of ${JOBS.join(", ")}`);
  // A dry run writes nowhere, so a destination's unset variables don't stop it.
  const { config } = await loadCliConfig(args.config, io, args.dryRun ? { leaveOut: () => true } : {});
  let progress: TerminalProgress | undefined;
  // On a terminal each failure is printed once in full: a destination's by its ✗ line below, a source's
  // by the table's failure list when a table is printed (a dry run, a console destination), else by its warning.
  const printsTable = args.dryRun || config.destinations.some((d) => d.type === CONSOLE_TYPE && (!d.jobs || d.jobs.includes(job)));
  const shownElsewhere = (record: LogRecord) => record.event === "destination-failed" || (printsTable && record.event === "source-failed");
  const { logger, flush } = cliLogger(config, io, () => progress !== undefined, shownElsewhere);
  // Collection is over before anything else reaches the terminal (the console destination's table,
  // the dry run's): the live display stops first, then the logs it held back are printed.
  const endProgress = () => {
    progress?.stop();
    progress = undefined;
    flush();
  };
  // Off a terminal stdout carries only JSON log lines; tables go to stderr.
  const human = (text: string) => {
    endProgress();
    (io.stdout.isTTY ? io.stdout : io.stderr).write(text);
  };
  const pipeline = await buildPipeline(config, {
    logger,
    now: io.now,
    onProgress: (event) => progress?.onProgress(event),
    write: human,
    customSources: io.customSources,
  });
  checkOnlyFlag(
    args.only,
    pipeline.sources.map((s) => s.name),
  );
  checkDateNotFuture(args.date, pipeline.runDate(), pipeline.timezone);
  if (args.date !== undefined) warnPastDate(args.date, pipeline.runDate(), io);
  if (io.stderr.isTTY) {
    const names = pipeline.sources.map((s) => s.name).filter((name) => !args.only || args.only.includes(name));
    progress = terminalProgress(io.stderr, names);
  }
  let result;
  try {
    result = await pipeline.process(job, { date: args.date, only: args.only, dryRun: args.dryRun });
  } finally {
    endProgress();
  }
  const { snapshot } = result;
  if (args.dryRun) {
    human(formatSnapshotTable(snapshot));
    human("(dry run: nothing was written)\n");
  }
  if (io.stdout.isTTY) {
    for (const d of result.destinations) io.stderr.write(printableLine(d.ok ? `✓ ${d.destination} written` : `✗ ${d.destination} failed: ${d.error}`) + "\n");
  }
  // The same closing line as the Cloud Function's, after every destination's line.
  const summary = summarizeRun(result, Date.now() - started);
  logRunSummary(logger, summary);
  return result.ok ? 0 : 1;
}
