import { addDays } from "../../src/dates.js";
import { mergeReportMark } from "../../src/history/columns.js";
import type { Destination, HistoryRow, HistoryStore, ReportMark, Snapshot } from "../../src/types.js";

/**
 * An in-memory `HistoryStore` for tests, with knobs to make reads or writes fail and a log of calls.
 * It is a destination too, so a `Pipeline` writes it first like the `file` and `notion` stores.
 */
export class MemoryHistory implements HistoryStore, Destination {
  name = "memory";
  readonly rows = new Map<string, HistoryRow>();
  /** When set, every read rejects with it. */
  failReads?: Error;
  /** When set, every write rejects with it. */
  failWrites?: Error;
  readonly calls: { method: keyof HistoryStore; args: unknown[] }[] = [];

  constructor(rows: readonly HistoryRow[] = []) {
    for (const row of rows) this.rows.set(row.date, structuredClone(row));
  }

  write(snapshot: Snapshot): Promise<void> {
    return this.upsert(snapshot);
  }

  async upsert(snapshot: Snapshot): Promise<void> {
    this.recordWrite("upsert", [snapshot]);
    const row = this.rows.get(snapshot.date) ?? { date: snapshot.date, metrics: {} };
    row.metrics = { ...row.metrics, ...snapshot.metrics };
    this.rows.set(snapshot.date, row);
  }

  async get(date: string): Promise<HistoryRow | undefined> {
    this.recordRead("get", [date]);
    const row = this.rows.get(date);
    return row && structuredClone(row);
  }

  async nearestOnOrBefore(date: string, windowDays: number): Promise<HistoryRow | undefined> {
    this.recordRead("nearestOnOrBefore", [date, windowDays]);
    const earliest = addDays(date, -windowDays);
    return this.sorted()
      .filter((r) => r.date <= date && r.date >= earliest)
      .pop();
  }

  async range(from: string, to: string): Promise<HistoryRow[]> {
    this.recordRead("range", [from, to]);
    return this.sorted().filter((r) => r.date >= from && r.date <= to);
  }

  async markReport(date: string, mark: ReportMark, alerted: string[] = []): Promise<void> {
    this.recordWrite("markReport", [date, mark, alerted]);
    const row = this.row(date);
    row.reportedTo = mergeReportMark(row.reportedTo, mark);
    if (alerted.length) row.alerted = [...new Set([...(row.alerted ?? []), ...alerted])].sort();
  }

  async markAlerted(date: string, sources: string[]): Promise<void> {
    this.recordWrite("markAlerted", [date, sources]);
    const row = this.row(date);
    row.alerted = [...new Set([...(row.alerted ?? []), ...sources])].sort();
  }

  private row(date: string): HistoryRow {
    let row = this.rows.get(date);
    if (!row) this.rows.set(date, (row = { date, metrics: {} }));
    return row;
  }

  private sorted(): HistoryRow[] {
    return [...this.rows.values()].sort((a, b) => a.date.localeCompare(b.date)).map((r) => structuredClone(r));
  }

  private recordRead(method: keyof HistoryStore, args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failReads) throw this.failReads;
  }

  private recordWrite(method: keyof HistoryStore, args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failWrites) throw this.failWrites;
  }
}

/** `weeks` weekly rows ending at `date` (exclusive), each metric growing by `step` a week from `start`. */
export function weeklyRows(date: string, weeks: number, start: Record<string, number>, step: Record<string, number>): HistoryRow[] {
  return Array.from({ length: weeks }, (_, i) => {
    const back = weeks - i;
    const metrics = Object.fromEntries(Object.entries(start).map(([k, v]) => [k, v + (step[k] ?? 0) * i]));
    return { date: addDays(date, -7 * back), metrics };
  });
}
