import { DestinationError, errorMessage } from "../errors.js";
import { silentLogger, type Logger } from "../log/logger.js";
import { assertMarkableName } from "./report-name.js";
import type { HistoryRow, HistoryStore, ReportMark } from "../types.js";

/**
 * The report-once protocol every report destination (discord, slack) follows, through history's
 * `Reported to` marks: read the mark, claim the report before posting anything, record each part
 * as it is posted, and mark the report complete with the last one.
 * - History that can't be read or written: nothing is posted, the delivery fails, Pub/Sub retries.
 * - A redelivery resumes from the first part not recorded as posted.
 * - A post that went unanswered is never posted again (see `UnansweredPost`).
 * Left open: a crash (or a history write that fails) between a post and its record, after which
 * the redelivery posts that one part again.
 */

/** Whose report, for which date. */
export interface ReportTarget {
  /** The destination's `name`: its mark in `Reported to`. */
  destination: string;
  date: string;
  /** A legacy `Report sent` checkbox counts as this destination's report (true for discord destinations). */
  legacyReportSent?: boolean;
}

/** Marks an error from a post whose answer never came (timeout, connection lost after sending): the message may have landed. */
export interface UnansweredPost {
  readonly unanswered: true;
}

export function isUnansweredPost(error: unknown): error is UnansweredPost {
  return typeof error === "object" && error !== null && (error as Partial<UnansweredPost>).unanswered === true;
}

/** `done`: the report is complete in history. `claimed`: post from part `next` (0-based). */
export type Claim = { status: "done" } | { status: "claimed"; next: number };

/** The destination's report mark on `row`; a legacy `Report sent` counts as complete where `legacyReportSent`. */
export function reportMarkOf(row: HistoryRow | undefined, target: ReportTarget): ReportMark | undefined {
  const mark = row?.reportedTo?.find((m) => m.destination === target.destination);
  if (mark) return mark;
  return target.legacyReportSent && row?.reportSent ? { destination: target.destination } : undefined;
}

/** Reads history; a failure means nothing may be posted. */
export async function readReportMark(history: HistoryStore, target: ReportTarget): Promise<ReportMark | undefined> {
  assertMarkableName(target.destination);
  try {
    return reportMarkOf(await history.get(target.date), target);
  } catch (error) {
    throw new DestinationError(target.destination, `can't read history for ${target.date}, so nothing is posted: ${errorMessage(error)}`, {
      code: "history_unreadable",
      cause: error,
    });
  }
}

/**
 * Claims the report of `parts` messages before anything is posted: records `0/parts` (or keeps the
 * progress a failed delivery left). A claim that can't be written throws, and nothing may be posted.
 * `force` starts again from the first part even when the report is complete.
 */
export async function claimReport(history: HistoryStore, target: ReportTarget, parts: number, force = false): Promise<Claim> {
  const mark = await readReportMark(history, target);
  if (mark && !mark.progress && !force) return { status: "done" };
  const next = force ? 0 : Math.min(mark?.progress?.sent ?? 0, parts);
  if (next >= parts) {
    await completeReport(history, target);
    return { status: "done" };
  }
  if (mark?.progress?.sent === next && mark.progress.parts === parts && !force) return { status: "claimed", next };
  try {
    await history.markReport(target.date, { destination: target.destination, progress: { sent: next, parts } });
  } catch (error) {
    throw new DestinationError(
      target.destination,
      `can't claim the weekly report of ${target.date} in history, so nothing is posted (a redelivery tries again): ${errorMessage(error)}`,
      {
        code: "history_claim_failed",
        cause: error,
      },
    );
  }
  return { status: "claimed", next };
}

/** Records that the first `sent` of `parts` messages are posted. */
export function recordPart(history: HistoryStore, target: ReportTarget, sent: number, parts: number): Promise<void> {
  return record(history, target, { destination: target.destination, progress: { sent, parts } }, [], `${sent} of ${parts} messages`);
}

/** Marks the report complete; the sources it listed as failing count as alerted, in the same write. */
export function completeReport(history: HistoryStore, target: ReportTarget, alerted: string[] = []): Promise<void> {
  return record(history, target, { destination: target.destination }, alerted, "the whole report");
}

async function record(history: HistoryStore, target: ReportTarget, mark: ReportMark, alerted: string[], what: string): Promise<void> {
  try {
    await history.markReport(target.date, mark, alerted);
  } catch (error) {
    throw new DestinationError(
      target.destination,
      `the weekly report of ${target.date} was posted (${what}) but not recorded in history, so a redelivery posts the unrecorded part again: ${errorMessage(error)}`,
      { code: "history_write_failed", cause: error },
    );
  }
}

/** What `deliverReport` needs from a destination. */
export interface ReportDelivery<T> extends ReportTarget {
  /** Builds the messages; called only when the report is not complete yet. */
  build: () => Promise<{ parts: readonly T[]; alerted?: string[] }>;
  /** Posts one message; throws an `UnansweredPost` error when the answer never came. */
  post: (part: T, index: number) => Promise<unknown>;
  /** Post again from the first part even when history says the report is complete. */
  force?: boolean;
  logger?: Logger;
}

export interface DeliveryResult {
  status: "sent" | "skipped";
  /** Messages posted by this call. */
  posted: number;
  parts: number;
}

/** The whole protocol: read, build, claim, post from the first unsent part, record each, complete. */
export async function deliverReport<T>(history: HistoryStore, d: ReportDelivery<T>): Promise<DeliveryResult> {
  const logger = d.logger ?? silentLogger();
  const mark = await readReportMark(history, d);
  if (mark && !mark.progress && !d.force) return skipped(logger, d, 0);
  const { parts, alerted = [] } = await d.build();
  const claim = await claimReport(history, d, parts.length, d.force);
  if (claim.status === "done") return skipped(logger, d, parts.length);
  if (claim.next > 0)
    logger.warn(`weekly report of ${d.date}: ${claim.next} of ${parts.length} messages were posted by an earlier delivery; resuming`, { date: d.date });
  for (let i = claim.next; i < parts.length; i++) {
    const last = i === parts.length - 1;
    try {
      await d.post(parts[i] as T, i);
    } catch (error) {
      if (!isUnansweredPost(error)) {
        if (error instanceof Error && i > 0)
          error.message += ` (${i} of ${parts.length} messages of the weekly report were posted; a redelivery resumes from message ${i + 1})`;
        throw error;
      }
      // The message may be in the channel: it counts as posted, so no delivery posts it twice.
      await (last ? completeReport(history, d, alerted) : recordPart(history, d, i + 1, parts.length));
      throw new DestinationError(
        d.destination,
        `message ${i + 1} of ${parts.length} of the weekly report of ${d.date} went unanswered (${errorMessage(error)}); it may or may not have been posted, and is not posted again so it can't appear twice. Check the channel; \`kpi-collector report --date ${d.date} --force\` posts the whole report again`,
        { code: "report_post_unanswered", cause: error },
      );
    }
    await (last ? completeReport(history, d, alerted) : recordPart(history, d, i + 1, parts.length));
  }
  return { status: "sent", posted: parts.length - claim.next, parts: parts.length };
}

function skipped(logger: Logger, d: ReportTarget, parts: number): DeliveryResult {
  logger.info(`weekly report of ${d.date} was already posted to ${d.destination}; skipping`, { date: d.date });
  return { status: "skipped", posted: 0, parts };
}
