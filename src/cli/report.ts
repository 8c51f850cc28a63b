import * as z from "zod";
import { buildPipeline } from "../build.js";
import { ConfigError } from "../errors.js";
import { buildWeeklyReport, storedReportInput } from "../report/build-report.js";
import { renderReportText } from "../report/render-text.js";
import { isHistoryStore } from "../types.js";
import { cliLogger, loadCliConfig, type CliIo } from "./context.js";
import type { Config } from "../config/load.js";
import { DISCORD_TYPE, discordOptionsSchema, type DiscordOptions } from "../destinations/discord/options.js";
import { printable } from "../printable.js";

/** `kpi-collector report --date D [--dry-run]`: the weekly report of D from history, printed or posted. */
export async function reportCommand(args: { config?: string; date?: string; dryRun?: boolean; force?: boolean }, io: CliIo): Promise<number> {
  // A dry run reads history but posts nothing: the discord webhook may be unset.
  const { config } = await loadCliConfig(args.config, io, args.dryRun ? { leaveOut: (type) => type === DISCORD_TYPE } : {});
  const { logger } = cliLogger(config, io);
  const pipeline = await buildPipeline(config, { logger });
  const discord = config.destinations.find((d) => d.type === DISCORD_TYPE) ?? (args.dryRun ? leftOutDiscord(config) : undefined);
  // The discord destination's own `history` store, as in a run; else the pipeline's.
  const named = discord?.history ? pipeline.destinations.find((d) => d.name === discord.history) : undefined;
  const history = isHistoryStore(named) ? named : pipeline.history;
  if (!history) throw new ConfigError(["destinations: the report reads history; add a notion or file destination"]);
  const date = pipeline.runDate(args.date);
  if (!discord) {
    if (!args.dryRun) throw new ConfigError(["destinations: no discord destination to post to; add one, or use --dry-run to print the report"]);
    const input = await storedReportInput(history, date);
    io.stdout.write(printable(renderReportText(await buildWeeklyReport(input, history, { northStar: config.northStar }))) + "\n");
    return 0;
  }
  const { runReportCommand } = await import("../destinations/discord/report-command.js");
  const result = await runReportCommand(discord, { secrets: config.secrets, logger, history }, { date, dryRun: args.dryRun, force: args.force, northStar: config.northStar });
  io.stdout.write(printable(result.text) + "\n");
  if (result.status === "sent") io.stderr.write(`Posted ${result.messages} message(s) to Discord.\n`);
  if (result.status === "skipped") io.stderr.write(`The report for ${date} was already posted; nothing sent (--force posts it again).\n`);
  return 0;
}

/** A discord destination left out for its unset webhook: the rest of it (compareDays, labels, history) still shapes the report. */
function leftOutDiscord(config: Config): DiscordOptions | undefined {
  const entry = config.leftOut?.find((d) => d.type === DISCORD_TYPE)?.entry;
  const parsed = discordOptionsSchema.extend({ webhookUrl: z.string() }).safeParse(entry);
  return parsed.success ? parsed.data : undefined;
}
