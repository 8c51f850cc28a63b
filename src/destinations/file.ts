import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import * as z from "zod";
import { withFileLock, type FileLockOptions } from "../history/file-lock.js";
import { destinationBase } from "../config/common.js";
import { addDays } from "../dates.js";
import { DestinationError, errorMessage } from "../errors.js";
import { mergeAlerted, mergeReportMark } from "../history/columns.js";
import { formatHistoryCsv, parseHistoryCsv } from "../history/csv.js";
import type { Destination, HistoryRow, HistoryStore, ReportMark, Snapshot } from "../types.js";

export const FILE_TYPE = "file";

export const fileOptionsSchema = z
  .object({
    type: z.literal(FILE_TYPE),
    ...destinationBase,
    path: z.string().min(1).default(".kpi/history.csv").describe("The history CSV. @default .kpi/history.csv"),
  })
  .strict()
  .describe("A local CSV history store: one row per date, one column per metric.");

export type FileOptions = z.input<typeof fileOptionsSchema>;

/**
 * The local history store: a CSV rewritten whole on each change (it stays small: one row a day).
 * Each change reads, edits and replaces the file under a lock other processes respect too.
 */
export class FileHistory implements Destination, HistoryStore {
  readonly name: string;
  readonly jobs: Destination["jobs"];
  readonly path: string;
  /** Writes queue up so two in one process never interleave (the lock is per process). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lock: FileLockOptions;

  constructor(options: FileOptions, lock: FileLockOptions = {}) {
    const parsed = fileOptionsSchema.parse(options);
    this.name = parsed.name ?? FILE_TYPE;
    this.jobs = parsed.jobs;
    this.path = parsed.path;
    this.lock = lock;
  }

  write(snapshot: Snapshot): Promise<void> {
    return this.upsert(snapshot);
  }

  upsert(snapshot: Snapshot): Promise<void> {
    return this.change(snapshot.date, (row) => Object.assign(row.metrics, snapshot.metrics));
  }

  markReport(date: string, mark: ReportMark, alerted: string[] = []): Promise<void> {
    return this.change(date, (row) => {
      row.reportedTo = mergeReportMark(row.reportedTo, mark);
      if (alerted.length) row.alerted = mergeAlerted(row.alerted, alerted);
    });
  }

  markAlerted(date: string, sources: string[]): Promise<void> {
    return this.change(date, (row) => {
      row.alerted = mergeAlerted(row.alerted, sources);
    });
  }

  async get(date: string): Promise<HistoryRow | undefined> {
    return (await this.rows()).find((row) => row.date === date);
  }

  async nearestOnOrBefore(date: string, windowDays: number): Promise<HistoryRow | undefined> {
    const earliest = addDays(date, -windowDays);
    const candidates = (await this.rows()).filter((row) => row.date <= date && row.date >= earliest);
    return candidates.at(-1);
  }

  async range(from: string, to: string): Promise<HistoryRow[]> {
    return (await this.rows()).filter((row) => row.date >= from && row.date <= to);
  }

  /** Every row, oldest first. */
  async rows(): Promise<HistoryRow[]> {
    await this.queue;
    return this.read();
  }

  private async read(): Promise<HistoryRow[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new DestinationError(this.name, `cannot read ${this.path}: ${errorMessage(error)}`, { cause: error });
    }
    try {
      return parseHistoryCsv(text).sort((a, b) => a.date.localeCompare(b.date));
    } catch (error) {
      throw new DestinationError(this.name, `${this.path} is not a history CSV: ${errorMessage(error)}`, { cause: error });
    }
  }

  private change(date: string, edit: (row: HistoryRow) => void): Promise<void> {
    const next = this.queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await withFileLock(this.path, this.name, this.lock, async (stillHeld) => {
        const rows = await this.read();
        let row = rows.find((r) => r.date === date);
        if (!row) rows.push((row = { date, metrics: {} }));
        edit(row);
        // Write then rename, so a crash never leaves half a file and readers need no lock.
        const temporary = `${this.path}.${process.pid}.tmp`;
        await writeFile(temporary, formatHistoryCsv(rows));
        stillHeld();
        await rename(temporary, this.path);
      });
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

export function createFileDestination(options: FileOptions, lock?: FileLockOptions): FileHistory {
  return new FileHistory(options, lock);
}
