import { DestinationError, errorMessage } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import { buildWeeklyReport, type ReportInput, type ReportOptions, type ReportSettings, type WeeklyReport } from "../../report/build-report.js";
import { prepareChart, type ChartImage, type ChartImageOptions } from "../../report/chart-image.js";
import { deliverReport } from "../../report/delivery-claim.js";
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
  /** History's legacy `Report sent` checkbox counts as this channel's report: discord's, the only report destination before `Reported to`. */
  readonly legacyReportSent?: boolean;
  /** Posts one message; an error for a post whose answer never came is an `UnansweredPost`. */
  post(message: M): Promise<unknown>;
  /** Set when the report carries its chart image (discord's `chart`). */
  chart?: ReportChart<M>;
}

/** How a channel carries the report's chart. */
export interface ReportChart<M> extends ChartImageOptions {
  /** The report's messages with the image added to the first; the number of messages is unchanged. */
  attach(messages: M[], image: ChartImage): M[];
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

/** How a destination's report is built: its own options, and the config's north star, aggregate and derived formats. */
export function reportOptions(options: ReportDestinationOptions, settings: ReportSettings = {}): ReportOptions {
  return { ...settings, compareDays: options.compareDays, metrics: options.metrics, currency: options.currency };
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
export async function sendWeeklyReport<M>(input: ReportInput, history: HistoryStore, d: Delivery<M>, force = false): Promise<ReportResult> {
  let report: WeeklyReport | undefined;
  const result = await deliverReport(history, {
    destination: d.destination,
    date: input.date,
    legacyReportSent: d.channel.legacyReportSent,
    force,
    logger: d.logger,
    build: async () => {
      const failures = redactFailures(input.failures ?? [], d.secrets);
      const chart = d.channel.chart;
      // Before the report's own read: the chart's longer span serves both.
      const draw = chart && (await prepareChart(history, input.date, chart, d.logger));
      const built = await readHistory(() => buildWeeklyReport({ ...input, failures }, history, d.report), d, input.date);
      report = built;
      const parts = d.channel.reportMessages(built);
      const image = draw && (await draw(built));
      // The report also serves as the alert for the failures it lists.
      return { parts: chart && image ? chart.attach(parts, image) : parts, alerted: built.failures.map((f) => f.source) };
    },
    post: (message) => d.channel.post(message),
  });
  if (result.status === "skipped") return { status: "skipped", messages: 0 };
  d.logger.info(`weekly report of ${input.date} posted in ${result.posted} message(s) to ${d.channel.label}`, { date: input.date, messages: result.posted });
  return { status: "sent", messages: result.posted, report };
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
    throw new DestinationError(d.destination, `can't read history for ${date}, so nothing is posted: ${errorMessage(error)}`, {
      code: "history_unreadable",
      cause: error,
    });
  }
}
