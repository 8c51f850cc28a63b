import { buildPipeline } from "../build.js";
import { reportFromConfig } from "../destinations/report-command.js";
import { isReportType } from "../destinations/report-types.js";
import { printable, printableLine } from "../printable.js";
import { cliLogger, loadCliConfig, type CliIo } from "./context.js";
import { checkDateNotFuture } from "./flags.js";

/** `kpi-collector report --date D [--dry-run]`: the weekly report of D from history, printed or posted; exit 1 when a destination failed. */
export async function reportCommand(args: { config?: string; date?: string; dryRun?: boolean; force?: boolean }, io: CliIo): Promise<number> {
  // A dry run reads history but posts nothing: the report destinations' webhooks may be unset.
  const { config } = await loadCliConfig(args.config, io, args.dryRun ? { leaveOut: isReportType } : {});
  const { logger } = cliLogger(config, io);
  const pipeline = await buildPipeline(config, { logger, now: io.now });
  checkDateNotFuture(args.date, pipeline.runDate(), pipeline.timezone);
  const date = pipeline.runDate(args.date);
  const results = await reportFromConfig(config, pipeline, { date, dryRun: args.dryRun, force: args.force }, logger);
  for (const result of results) {
    if (result.status === "failed") {
      io.stderr.write(`${printableLine(`✗ ${result.destination} failed: ${result.error}`)}\n`);
      continue;
    }
    const heading = results.length > 1 ? `${result.destination}:\n\n` : "";
    io.stdout.write(printable(heading + result.text) + "\n");
    if (result.status === "sent") io.stderr.write(`Posted ${result.messages} message(s) to ${result.destination}.\n`);
    if (result.status === "skipped")
      io.stderr.write(`The report for ${date} was already posted to ${result.destination}; nothing sent (--force posts it again).\n`);
  }
  // A destination that failed is retried by running the command again: each posts once.
  return results.some((r) => r.status === "failed") ? 1 : 0;
}
