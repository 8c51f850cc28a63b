import { DestinationError, errorMessage } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import { buildWeeklyReport, type ReportInput, type ReportOptions, type WeeklyReport } from "../../report/build-report.js";
import type { HistoryStore, Snapshot, SourceFailure } from "../../types.js";
import type { ReportDestinationOptions } from "../report-options.js";

/** How a report destination renders, in its own message format `M`: Discord embeds, Slack blocks. */
export interface ReportFormat<M> {
  /** The report as messages, in order, each within the service's limits. */
  reportMessages(report: WeeklyReport): M[];
  /** A short alert naming the sources that failed. */
  alertMessages(snapshot: Pick<Snapshot, "date" | "job">, failures: readonly SourceFailure[]): M[];
  /** The report as its messages read, in plain text: what `report --dry-run` prints. */
  text(report: WeeklyReport): string;
}

/**
 * Where a report destination posts. Everything else about delivery (once per date, alerts
 * once a day, redaction) is shared below, whatever the service.
 */
export interface ReportChannel<M> extends ReportFormat<M> {
  /** How logs and errors name it, never by its URL: `webhook 1234…`. */
  readonly label: string;
  post(message: M): Promise<unknown>;
}

/** What posting needs, shared by the destination and the `report` command. */
export interface Delivery<M = unknown> {
  destination: string;
  channel: ReportChannel<M>;
  /** How the report is built, the north star included. */
  report: ReportOptions;
  logger: Logger;
  secrets: Secrets;
}

export function reportOptions(options: ReportDestinationOptions, northStar?: string): ReportOptions {
  return { compareDays: options.compareDays, metrics: options.metrics, currency: options.currency, northStar };
}

export interface ReportResult {
  status: "sent" | "skipped";
  messages: number;
  report?: WeeklyReport;
}

/**
 * Posts the weekly report once per date: history says whether it was sent, and is told after.
 * Unreadable history fails before anything is posted, so a redelivery can't post twice.
 */
export async function sendWeeklyReport<M>(input: ReportInput, history: HistoryStore, d: Delivery<M>, force = false): Promise<ReportResult> {
  const row = await readHistory(() => history.get(input.date), d, input.date);
  if (row?.reportSent && !force) {
    d.logger.info(`weekly report of ${input.date} was already posted; skipping`, { date: input.date });
    return { status: "skipped", messages: 0 };
  }
  const failures = redactFailures(input.failures ?? [], d.secrets);
  const report = await readHistory(() => buildWeeklyReport({ ...input, failures }, history, d.report), d, input.date);
  const messages = d.channel.reportMessages(report);
  await postAll(messages, d, "weekly report");
  try {
    // One write: the report also serves as the alert for the failures it lists.
    await history.markReportSent(input.date, report.failures.map((f) => f.source));
  } catch (error) {
    throw new DestinationError(d.destination, `the weekly report of ${input.date} was posted but not recorded in history, so a redelivery would post it again: ${errorMessage(error)}`, { code: "history_write_failed", cause: error });
  }
  d.logger.info(`weekly report of ${input.date} posted in ${messages.length} message(s) to ${d.channel.label}`, { date: input.date, messages: messages.length });
  return { status: "sent", messages: messages.length, report };
}

/** One short alert naming the sources that failed and were not alerted about yet today. */
export async function sendFailureAlert<M>(snapshot: Snapshot, history: HistoryStore | undefined, d: Delivery<M>): Promise<string[]> {
  if (!snapshot.failures.length) return [];
  let already: string[] = [];
  if (history) already = (await readHistory(() => history.get(snapshot.date), d, snapshot.date))?.alerted ?? [];
  else d.logger.warn("no history store: failure alerts are not limited to one a day");
  const fresh = snapshot.failures.filter((f) => !already.includes(f.source));
  if (!fresh.length) {
    d.logger.info(`failure alert for ${snapshot.failures.map((f) => f.source).join(", ")} already posted today; skipping`, { date: snapshot.date });
    return [];
  }
  await postAll(d.channel.alertMessages(snapshot, redactFailures(fresh, d.secrets)), d, "failure alert");
  const sources = fresh.map((f) => f.source);
  if (history) await history.markAlerted(snapshot.date, sources);
  d.logger.info(`failure alert posted for ${sources.join(", ")}`, { date: snapshot.date });
  return sources;
}

/** The pipeline redacts reasons already; a custom caller may not have. A failed source's metric names stay for the report. */
function redactFailures(failures: readonly SourceFailure[], secrets: Secrets): SourceFailure[] {
  return failures.map((f) => ({ ...f, error: secrets.redact(f.error) }));
}

async function postAll<M>(messages: M[], d: Delivery<M>, what: string): Promise<void> {
  for (const [i, message] of messages.entries()) {
    try {
      await d.channel.post(message);
    } catch (error) {
      if (i > 0 && error instanceof Error) error.message += ` (${i} of ${messages.length} messages of the ${what} were posted)`;
      throw error;
    }
  }
}

async function readHistory<T>(read: () => Promise<T>, d: Pick<Delivery, "destination">, date: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new DestinationError(d.destination, `can't read history for ${date}, so nothing is posted: ${errorMessage(error)}`, { code: "history_unreadable", cause: error });
  }
}
