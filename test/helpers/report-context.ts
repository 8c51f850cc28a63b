import { createLogger, type LogRecord } from "../../src/log/logger.js";
import type { Secrets } from "../../src/log/secrets.js";
import type { DestinationContext, HistoryStore, Snapshot } from "../../src/types.js";

/** The date report destination tests run on. */
export const REPORT_DATE = "2024-06-10";

/** What the pipeline hands a report destination: logs go to `logs`, the north star is `mrr`. */
export function reportContext(
  secrets: Secrets,
  logs: LogRecord[],
  history: HistoryStore | undefined,
  over: Partial<DestinationContext> = {},
): DestinationContext {
  return {
    logger: createLogger({ secrets, sink: (r) => logs.push(r) }),
    secrets,
    history,
    northStar: "mrr",
    now: () => new Date(`${REPORT_DATE}T09:00:00Z`),
    ...over,
  };
}

/** A weekly-report snapshot of `REPORT_DATE` with no failures. */
export function reportSnapshot(over: Partial<Snapshot> = {}): Snapshot {
  return { date: REPORT_DATE, job: "weekly-report", metrics: { mrr: 1100, users: 55 }, failures: [], ...over };
}

/** The error a promise rejects with; fails the test when it resolves. */
export function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as Error & { code?: string },
  );
}
