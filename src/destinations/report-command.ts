import type { Config } from "../config/load.js";
import { ConfigError, errorMessage } from "../errors.js";
import { silentLogger, type Logger } from "../log/logger.js";
import type { Secrets } from "../log/secrets.js";
import type { Pipeline } from "../pipeline.js";
import { buildWeeklyReport, storedReportInput, type ReportSettings } from "../report/build-report.js";
import { CHART_HISTORY_DAYS, type ChartInput } from "../report/chart-image.js";
import { addDays } from "../dates.js";
import { isHistoryStore, type HistoryStore } from "../types.js";
import { reportOptions, sendWeeklyReport } from "./discord/deliver.js";
import { createReportChannel, isReportDestination, leftOutReportOptions, reportFormat, REPORT_TYPES, type ReportDestinationEntry } from "./report-types.js";

export interface ReportCommandRequest {
  /** The report date; its history row holds the current values. */
  date: string;
  /** Render only: nothing is posted or recorded. */
  dryRun?: boolean;
  /** Post even when history says this date's report was already posted. */
  force?: boolean;
  /** The north star, its aggregate and the derived metrics' formats, from the config. */
  settings?: ReportSettings;
}

export interface ReportCommandResult {
  /** The destination's name; absent for a dry run without any report destination. */
  destination?: string;
  /** The report as the message reads, in plain text. */
  text: string;
  /** `rendered` for a dry run. */
  status: "rendered" | "sent" | "skipped" | "failed";
  /** Messages posted. */
  messages: number;
  /** Why a `failed` destination failed, redacted. */
  error?: string;
}

/**
 * `kpi-collector report --date D [--dry-run]`: the weekly report of D, rebuilt from history, posted
 * to every destination that posts reports (each once, unless forced), or on a dry run only rendered;
 * with no such destination, a dry run still prints it.
 */
export async function reportFromConfig(
  config: Config,
  pipeline: Pipeline,
  request: Omit<ReportCommandRequest, "settings">,
  logger: Logger,
): Promise<ReportCommandResult[]> {
  const leftOut = request.dryRun ? (config.leftOut ?? []).flatMap((d) => leftOutReportOptions(d.entry) ?? []) : [];
  const targets = [...config.destinations.filter(isReportDestination), ...leftOut];
  const full = { ...request, settings: pipeline.reportSettings };
  const historyOf = (target?: ReportDestinationEntry) => reportHistory(pipeline, target);
  if (!targets.length) {
    if (!request.dryRun)
      throw new ConfigError([`destinations: no ${REPORT_TYPES.join(" or ")} destination to post to; add one, or use --dry-run to print the report`]);
    const history = historyOf();
    const format = await reportFormat();
    const report = await buildWeeklyReport(await storedReportInput(history, request.date), history, pipeline.reportSettings);
    return [{ text: format.text(report), status: "rendered", messages: 0 }];
  }
  const results: ReportCommandResult[] = [];
  for (const target of targets) {
    const history = historyOf(target);
    try {
      results.push(await runReportCommand(target, { secrets: config.secrets, logger, history }, full));
    } catch (error) {
      // As in a run, one destination failing keeps the report from none of the others.
      const reason = config.secrets.redact(errorMessage(error));
      results.push({ destination: target.name ?? target.type, text: "", status: "failed", messages: 0, error: reason });
    }
  }
  return results;
}

/** A destination's own `history` store, as in a run; else the pipeline's. */
function reportHistory(pipeline: Pipeline, target?: ReportDestinationEntry): HistoryStore {
  const named = target?.history ? pipeline.destinations.find((d) => d.name === target.history) : undefined;
  const history = isHistoryStore(named) ? named : pipeline.history;
  if (!history) throw new ConfigError(["destinations: the report reads history; add a notion or file destination"]);
  return history;
}

/**
 * `kpi-collector chart --date D`: the chart of D's weekly report, as the first discord destination
 * (else the first report destination, else the config's settings alone) would attach it.
 */
export async function chartInputFromConfig(config: Config, pipeline: Pipeline, date: string): Promise<ChartInput> {
  const leftOut = (config.leftOut ?? []).flatMap((d) => leftOutReportOptions(d.entry) ?? []);
  const targets = [...config.destinations.filter(isReportDestination), ...leftOut];
  const target = targets.find((t) => t.type === "discord") ?? targets[0];
  const history = reportHistory(pipeline, target);
  const options = target ? reportOptions(target, pipeline.reportSettings) : pipeline.reportSettings;
  const metrics = target?.type === "discord" ? target.chartMetrics : undefined;
  // The chart's span first: a Notion store answers the report's shorter read from memory.
  const rows = await history.range(addDays(date, 1 - CHART_HISTORY_DAYS), date);
  const report = await buildWeeklyReport(await storedReportInput(history, date), history, options);
  return { report, rows, options: { metrics } };
}

/** The weekly report of one destination, rebuilt from history: rendered, or posted once. */
export async function runReportCommand(
  options: ReportDestinationEntry,
  deps: { secrets: Secrets; logger?: Logger; history: HistoryStore },
  request: ReportCommandRequest,
): Promise<ReportCommandResult> {
  const destination = options.name ?? options.type;
  const input = await storedReportInput(deps.history, request.date);
  const report = reportOptions(options, request.settings);
  if (request.dryRun) {
    const format = await reportFormat(options);
    return { destination, text: format.text(await buildWeeklyReport(input, deps.history, report)), status: "rendered", messages: 0 };
  }
  const logger = deps.logger ?? silentLogger();
  const channel = await createReportChannel(options, { destination, secrets: deps.secrets, logger: deps.logger });
  const result = await sendWeeklyReport(input, deps.history, { destination, channel, report, logger, secrets: deps.secrets }, request.force);
  const text = channel.text(result.report ?? (await buildWeeklyReport(input, deps.history, report)));
  return { destination, text, status: result.status, messages: result.messages };
}
