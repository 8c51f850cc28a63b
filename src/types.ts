import type { HttpClient } from "./http/client.js";
import type { Logger } from "./log/logger.js";
import type { Secrets } from "./log/secrets.js";
import type { NorthStarAggregate } from "./report/north-star.js";
import type { MetricDisplay } from "./report/format.js";
import type { PageParser } from "./sources/parse-pool.js";

/** The jobs Cloud Scheduler publishes. */
export const JOBS = ["daily", "weekly-report"] as const;
export type Job = (typeof JOBS)[number];

export type Metrics = Record<string, number>;

export interface SourceFailure {
  /** The source's `name`. */
  source: string;
  /** A short reason, already redacted. */
  error: string;
  /** The metrics the source declares (`Source.metricNames`), when known: the report shows them as missing. */
  metrics?: readonly string[];
  /** A derived metric that could not be computed (`source` is `NAME (derived)`), not a source. */
  derived?: boolean;
}

/** What one run gathered: every source fans in here. */
export interface Snapshot {
  /** The run date, `YYYY-MM-DD`, in the configured time zone. */
  date: string;
  job: Job;
  metrics: Metrics;
  failures: SourceFailure[];
  /** The derived metrics among `metrics`, when the config has any. */
  derived?: string[];
  /**
   * Derived metrics not computed yet, and not failures: they reach back before their inputs' first
   * stored value (a new deployment, a new source). Absent from `metrics`, never 0.
   */
  derivedPending?: string[];
  /** Remarks on single metrics, shown beside their value: `avg over 25 of 28 days`. */
  notes?: Record<string, string>;
}

/** What a source gets from the pipeline: I/O is injected, never global. */
export interface SourceContext {
  http: HttpClient;
  /** Aborted when the source's timeout passes. */
  signal: AbortSignal;
  logger: Logger;
  secrets: Secrets;
  /** The run date, `YYYY-MM-DD`: sources that count over a period end it on this day. */
  date: string;
  /** The IANA time zone `date` is in. */
  timezone: string;
  /** Parses pages in worker threads, within `signal`. @default the process's shared pool */
  parser?: PageParser;
}

/**
 * A source turns its options into named numbers.
 * A custom source in TypeScript needs only `name` and `collect()`.
 */
export interface Source {
  name: string;
  collect(context: SourceContext): Promise<Metrics>;
  /** The metric names it yields, when known before running (checked for clashes at load). */
  metricNames?: readonly string[];
  /** @default 30000 */
  timeoutMs?: number;
}

export interface DestinationContext {
  logger: Logger;
  secrets: Secrets;
  /** The history store of this pipeline, already written for this snapshot when it is another destination. */
  history?: HistoryStore;
  northStar?: string;
  /** How the north star's 7- and 28-day views aggregate its days. @default "last" */
  northStarAggregate?: NorthStarAggregate;
  /** How metrics declared outside a destination (derived metrics) read in reports. */
  metricDisplay?: Record<string, MetricDisplay>;
  now: () => Date;
}

/** A destination writes a snapshot. */
export interface Destination {
  name: string;
  /** The jobs it subscribes to. @default every job */
  jobs?: readonly Job[];
  write(snapshot: Snapshot, context: DestinationContext): Promise<void>;
  /**
   * Optional: called at the start of every run, before any destination writes or reads, so a
   * destination that caches per run (the Notion schema and rows) starts fresh even on jobs it
   * doesn't subscribe to. A warm Cloud Function reuses one pipeline for many runs.
   */
  beginRun?(): void;
}

/** How far one report destination got with a date's weekly report. */
export interface ReportMark {
  /** The destination's `name`. */
  destination: string;
  /** While the report is under way: `sent` of its `parts` messages were posted. Absent once complete. */
  progress?: { sent: number; parts: number };
}

/** One dated row of history. */
export interface HistoryRow {
  date: string;
  metrics: Metrics;
  /**
   * Legacy: the `Report sent` checkbox of histories written before `Reported to`. Read, never written;
   * `true` counts as reported by the discord destination(s).
   */
  reportSent?: boolean;
  /** The report destinations that claimed this date's weekly report, each with its progress. */
  reportedTo?: ReportMark[];
  /** Sources a failure alert was already posted for on this date. */
  alerted?: string[];
}

/** The small contract both the `file` and the `notion` stores keep. */
export interface HistoryStore {
  /** Insert or update the row of `snapshot.date`; metrics absent from the snapshot keep their old values. */
  upsert(snapshot: Snapshot): Promise<void>;
  get(date: string): Promise<HistoryRow | undefined>;
  /** The latest row dated on or before `date` and no more than `windowDays` earlier. */
  nearestOnOrBefore(date: string, windowDays: number): Promise<HistoryRow | undefined>;
  /** Rows dated from `from` to `to` inclusive, oldest first. */
  range(from: string, to: string): Promise<HistoryRow[]>;
  /**
   * Set `mark.destination`'s progress with the weekly report of `date` (creating the row if needed),
   * replacing its previous mark and keeping other destinations'; in the same write, record `alerted`
   * sources as alerted. Used through `src/report/delivery-claim.ts`, not directly.
   */
  markReport(date: string, mark: ReportMark, alerted?: string[]): Promise<void>;
  /** Record that failure alerts for `sources` were posted on `date`. */
  markAlerted(date: string, sources: string[]): Promise<void>;
}

export function isHistoryStore(value: unknown): value is HistoryStore & Destination {
  const v = value as Partial<HistoryStore> | null;
  return !!v && typeof v.upsert === "function" && typeof v.nearestOnOrBefore === "function" && typeof v.range === "function";
}
