import { silentLogger } from "../../log/logger.js";
import { buildWeeklyReport, storedReportInput, type ReportSettings } from "../../report/build-report.js";
import { renderReportText } from "../../report/render-text.js";
import type { HistoryStore } from "../../types.js";
import { reportOptions, sendWeeklyReport } from "./deliver.js";
import type { DiscordDeps } from "./destination.js";
import { DISCORD_TYPE, type DiscordOptions } from "./options.js";
import { createWebhookClient } from "./webhook.js";

export interface ReportCommandRequest {
  /** The report date; its history row holds the current values. */
  date: string;
  /** Render only: nothing is posted or recorded. */
  dryRun?: boolean;
  /** Post even when history says this date's report was already posted. */
  force?: boolean;
  northStar?: string;
  /** The north star's aggregate and the derived metrics' formats, from the config. */
  settings?: Omit<ReportSettings, "northStar">;
}

export interface ReportCommandResult {
  /** The report as the message reads, in plain text. */
  text: string;
  /** `rendered` for a dry run. */
  status: "rendered" | "sent" | "skipped";
  /** Messages posted. */
  messages: number;
}

/** `kpi-collector report --date D [--dry-run]`: the weekly report of D, rebuilt from history. */
export async function runReportCommand(
  options: DiscordOptions,
  deps: DiscordDeps & { history: HistoryStore },
  request: ReportCommandRequest,
): Promise<ReportCommandResult> {
  const name = options.name ?? DISCORD_TYPE;
  const input = await storedReportInput(deps.history, request.date);
  const render = async () => renderReportText(await buildWeeklyReport(input, deps.history, reportOptions(options, request.northStar, request.settings)));
  if (request.dryRun) return { text: await render(), status: "rendered", messages: 0 };
  const logger = deps.logger ?? silentLogger();
  const webhook = createWebhookClient(options.webhookUrl, { ...deps, destination: name });
  const result = await sendWeeklyReport(input, deps.history, { destination: name, options, webhook, logger, secrets: deps.secrets, northStar: request.northStar, settings: request.settings }, request.force);
  const text = result.report ? renderReportText(result.report) : await render();
  return { text, status: result.status, messages: result.messages };
}
