import { DestinationError, errorMessage } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import { buildWeeklyReport, type ReportInput, type ReportOptions, type WeeklyReport } from "../../report/build-report.js";
import { COLORS, type DiscordMessage } from "../../report/discord-limits.js";
import { failureEmbeds, packMessages, toDiscordMessages, type MessageOptions } from "../../report/embeds.js";
import { deliverReport } from "../../report/delivery-claim.js";
import type { HistoryStore, Snapshot, SourceFailure } from "../../types.js";
import type { DiscordOptions } from "./options.js";
import type { WebhookClient } from "./webhook.js";

/** What posting needs, shared by the destination and the `report` command. */
export interface Delivery {
  destination: string;
  options: DiscordOptions;
  webhook: WebhookClient;
  logger: Logger;
  secrets: Secrets;
  northStar?: string;
}

export function reportOptions(options: DiscordOptions, northStar?: string): ReportOptions {
  return { compareDays: options.compareDays, metrics: options.metrics, currency: options.currency, northStar };
}

function messageOptions(options: DiscordOptions): MessageOptions {
  return { username: options.username, avatarUrl: options.avatarUrl };
}

export interface ReportResult {
  status: "sent" | "skipped";
  messages: number;
  report?: WeeklyReport;
}

/**
 * Posts the weekly report once per date and destination, through the claim protocol of
 * `report/delivery-claim.ts`: unreadable or unwritable history posts nothing, and a redelivery
 * resumes from the first message not yet posted. A legacy `Report sent` checkbox counts as posted.
 */
export async function sendWeeklyReport(input: ReportInput, history: HistoryStore, d: Delivery, force = false): Promise<ReportResult> {
  let report: WeeklyReport | undefined;
  const result = await deliverReport(history, {
    destination: d.destination,
    date: input.date,
    legacyReportSent: true,
    force,
    logger: d.logger,
    build: async () => {
      const failures = redactFailures(input.failures ?? [], d.secrets);
      const built = await readHistory(() => buildWeeklyReport({ ...input, failures }, history, reportOptions(d.options, d.northStar)), d, input.date);
      report = built;
      // The report also serves as the alert for the failures it lists.
      return { parts: toDiscordMessages(built, messageOptions(d.options)), alerted: built.failures.map((f) => f.source) };
    },
    post: (message) => d.webhook.execute(message),
  });
  if (result.status === "skipped") return { status: "skipped", messages: 0 };
  d.logger.info(`weekly report of ${input.date} posted in ${result.posted} message(s) to ${d.webhook.label}`, { date: input.date, messages: result.posted });
  return { status: "sent", messages: result.posted, report };
}

/** One short alert naming the sources that failed and were not alerted about yet today. */
export async function sendFailureAlert(snapshot: Snapshot, history: HistoryStore | undefined, d: Delivery): Promise<string[]> {
  if (!snapshot.failures.length) return [];
  let already: string[] = [];
  if (history) already = (await readHistory(() => history.get(snapshot.date), d, snapshot.date))?.alerted ?? [];
  else d.logger.warn("no history store: failure alerts are not limited to one a day");
  const fresh = snapshot.failures.filter((f) => !already.includes(f.source));
  if (!fresh.length) {
    d.logger.info(`failure alert for ${snapshot.failures.map((f) => f.source).join(", ")} already posted today; skipping`, { date: snapshot.date });
    return [];
  }
  await postAll(alertMessages(snapshot, redactFailures(fresh, d.secrets), messageOptions(d.options)), d, "failure alert");
  const sources = fresh.map((f) => f.source);
  if (history) await history.markAlerted(snapshot.date, sources);
  d.logger.info(`failure alert posted for ${sources.join(", ")}`, { date: snapshot.date });
  return sources;
}

export function alertMessages(snapshot: Pick<Snapshot, "date" | "job">, failures: readonly SourceFailure[], options: MessageOptions = {}): DiscordMessage[] {
  const count = failures.length === 1 ? "1 source failed" : `${failures.length} sources failed`;
  return packMessages(failureEmbeds(`⚠️ ${count}: ${snapshot.job} run of ${snapshot.date}`, failures, COLORS.worse), options);
}

/** The pipeline redacts reasons already; a custom caller may not have. A failed source's metric names stay for the report. */
function redactFailures(failures: readonly SourceFailure[], secrets: Secrets): SourceFailure[] {
  return failures.map((f) => ({ ...f, error: secrets.redact(f.error) }));
}

async function postAll(messages: DiscordMessage[], d: Delivery, what: string): Promise<void> {
  for (const [i, message] of messages.entries()) {
    try {
      await d.webhook.execute(message);
    } catch (error) {
      if (i > 0 && error instanceof Error) error.message += ` (${i} of ${messages.length} messages of the ${what} were posted)`;
      throw error;
    }
  }
}

async function readHistory<T>(read: () => Promise<T>, d: Delivery, date: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new DestinationError(d.destination, `can't read history for ${date}, so nothing is posted: ${errorMessage(error)}`, { code: "history_unreadable", cause: error });
  }
}
