import { addDays } from "../dates.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log/logger.js";
import type { Secrets } from "../log/secrets.js";
import type { HistoryStore, Metrics, Snapshot, SourceFailure } from "../types.js";
import { evaluateDerived, type DerivedOutcome } from "./evaluate.js";
import type { DerivedProgram } from "./program.js";
import { NORTH_STAR_DAYS } from "../report/north-star-days.js";

/** Days before the run date the weekly report reads: its eight weekly sparkline points and the North Star's two 28-day windows. */
const REPORT_LOOKBACK_DAYS = NORTH_STAR_DAYS - 1;

export interface DeriveDeps {
  /** Where past days are read; without one, only metrics that need no past day are computed. */
  history?: HistoryStore;
  logger: Logger;
  secrets: Secrets;
}

/** How a derived metric that could not be computed is named among the run's failures. */
export function derivedFailureName(metric: string): string {
  return `${metric} (derived)`;
}

/**
 * The pipeline step after the sources and before the destinations: computes every derived metric
 * of `program` on the snapshot's date and returns the snapshot with them added. History is read
 * once, for the longest look-back; today's values are today's stored row with this run's on top,
 * so they are what the row will hold once written. A metric that can't be computed is a failure
 * with its reason, as a failed source is: it is absent from the snapshot, never 0.
 */
export async function deriveMetrics(snapshot: Snapshot, program: DerivedProgram, deps: DeriveDeps): Promise<Snapshot> {
  if (!program.metrics.length) return snapshot;
  const started = Date.now();
  // At least the weekly report's eight weeks: still one Notion query, and a store that remembers
  // what a run read (the notion store) then serves the report's read without another.
  const from = addDays(snapshot.date, -Math.max(program.lookbackDays, REPORT_LOOKBACK_DAYS));
  let days = new Map<string, Metrics>();
  let unreadable: string | undefined;
  if (deps.history) {
    try {
      days = new Map((await deps.history.range(from, snapshot.date)).map((row) => [row.date, row.metrics]));
    } catch (error) {
      unreadable = `history could not be read (${deps.secrets.redact(errorMessage(error))})`;
    }
  } else if (program.lookbackDays > 0) {
    unreadable = "there is no history store to read past days from; add a notion or file destination";
  }
  days.set(snapshot.date, { ...days.get(snapshot.date), ...snapshot.metrics });
  const outcome = unreadable ? withoutHistory(program, snapshot.date, days, unreadable) : evaluateDerived(program, snapshot.date, days);
  // Reaching back before an input's first stored value is a history still filling, not a fault:
  // no alert a day for the first weeks of a new deployment. A gap inside the history still fails.
  const pending = outcome.missing.filter((m) => m.beforeHistory);
  for (const { name, reason } of pending)
    deps.logger.info(`derived metric ${name} not computed yet: the history does not reach back far enough (${reason})`, { job: snapshot.job, metric: name });
  const failures: SourceFailure[] = outcome.missing
    .filter((m) => !m.beforeHistory)
    .map(({ name, reason }) => ({
      source: derivedFailureName(name),
      error: reason,
      metrics: [name],
      derived: true,
    }));
  for (const failure of failures)
    deps.logger.warn(`derived metric ${failure.metrics?.[0] ?? ""} missing: ${failure.error}`, { job: snapshot.job, metric: failure.metrics?.[0] });
  const computed = Object.keys(outcome.values).length;
  deps.logger.info(`derived metrics: ${computed} computed, ${failures.length} missing${pending.length ? `, ${pending.length} waiting for history` : ""}`, {
    job: snapshot.job,
    durationMs: Date.now() - started,
    historyFrom: from,
    derived: outcome.values,
  });
  const notes = { ...snapshot.notes, ...outcome.notes };
  return {
    ...snapshot,
    metrics: Object.fromEntries(Object.entries({ ...snapshot.metrics, ...outcome.values }).sort(([a], [b]) => a.localeCompare(b))),
    derived: Object.keys(outcome.values),
    ...(pending.length ? { derivedPending: pending.map((m) => m.name) } : {}),
    failures: [...snapshot.failures, ...failures].sort((a, b) => a.source.localeCompare(b.source)),
    ...(Object.keys(notes).length ? { notes } : {}),
  };
}

/** Without history, metrics that read no past day still come out; the others are missing for `reason`. */
function withoutHistory(program: DerivedProgram, date: string, days: Map<string, Metrics>, reason: string): DerivedOutcome {
  const today = evaluateDerived({ ...program, metrics: program.metrics.filter((m) => m.lookbackDays === 0) }, date, days);
  const needPast = program.metrics
    .filter((m) => m.lookbackDays > 0)
    .map((m) => ({ name: m.name, reason: `needs ${m.lookbackDays} day(s) of history, but ${reason}` }));
  return { ...today, missing: [...today.missing, ...needPast] };
}
