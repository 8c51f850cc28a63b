import { mapWithConcurrency } from "./concurrency.js";
import { dateInTimeZone, futureDateProblem, isIsoDate } from "./dates.js";
import { ConfigError, SourceError, errorMessage } from "./errors.js";
import { collectSource } from "./collect-source.js";
import { assertUniqueNames } from "./unique-names.js";
import { claimMetrics } from "./metric-owners.js";
import { createHttpClient, type HttpClient } from "./http/client.js";
import { silentLogger, type Logger } from "./log/logger.js";
import { Secrets } from "./log/secrets.js";
import { deriveMetrics } from "./derived/step.js";
import type { DerivedProgram } from "./derived/program.js";
import type { NorthStarAggregate } from "./report/north-star.js";
import type { ReportSettings } from "./report/build-report.js";
import { isHistoryStore, type Destination, type HistoryStore, type Job, type Metrics, type Snapshot, type Source, type SourceFailure } from "./types.js";

export interface PipelineOptions {
  sources: Source[];
  destinations: Destination[];
  /** Sources in flight at once. @default 8 */
  concurrency?: number;
  /** A source's time limit when it sets none. @default 30000 */
  sourceTimeoutMs?: number;
  /** IANA time zone of the run date. @default "UTC" */
  timezone?: string;
  /** The metric reports lead with. */
  northStar?: string;
  /** How the north star's 7- and 28-day views aggregate its days. @default "last" */
  northStarAggregate?: NorthStarAggregate;
  /** Metrics computed from the sources' and the history's, after the sources and before the destinations. */
  derived?: DerivedProgram;
  /** Where reports read history; defaults to the first destination that is a history store. */
  history?: HistoryStore;
  http?: HttpClient;
  logger?: Logger;
  secrets?: Secrets;
  now?: () => Date;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * What a run is doing, as it happens. A `source-done` can be followed by a `source-failed` for the
 * same source: metric names clashing with another source's are found once every source is in.
 */
export type ProgressEvent =
  | { type: "source-start"; source: string }
  | { type: "source-done"; source: string; durationMs: number; metrics: number }
  | { type: "source-failed"; source: string; durationMs: number; error: string }
  | { type: "destination-done"; destination: string; durationMs: number }
  | { type: "destination-failed"; destination: string; durationMs: number; error: string };

export interface ProcessOptions {
  /** The run date, for backfills. @default today in `timezone` */
  date?: string;
  /** Run only these sources. */
  only?: readonly string[];
  /** Collect, but write to no destination. */
  dryRun?: boolean;
}

export interface DestinationResult {
  destination: string;
  ok: boolean;
  error?: string;
  durationMs: number;
}

export interface RunResult {
  snapshot: Snapshot;
  destinations: DestinationResult[];
  /** Every destination wrote. Source failures don't count against it: they are reported. */
  ok: boolean;
}

/** Sources fan in to one snapshot; the snapshot fans out to the destinations of the job. */
export class Pipeline {
  readonly sources: Source[];
  readonly destinations: Destination[];
  private readonly options: PipelineOptions;
  private readonly logger: Logger;
  private readonly secrets: Secrets;
  /** The last run queued for each date; see `process`. */
  private readonly runsByDate = new Map<string, Promise<RunResult>>();

  constructor(options: PipelineOptions) {
    this.options = options;
    this.sources = options.sources;
    this.destinations = options.destinations;
    this.logger = options.logger ?? silentLogger();
    this.secrets = options.secrets ?? new Secrets();
    assertUniqueNames(
      this.sources,
      this.destinations.map((d) => d.name),
    );
  }

  /** The history store reports read from. */
  get history(): HistoryStore | undefined {
    return this.options.history ?? this.destinations.find(isHistoryStore);
  }

  /** The north star and the derived metrics' formats, for reports built outside a run. */
  get reportSettings(): ReportSettings {
    return { northStar: this.options.northStar, northStarAggregate: this.options.northStarAggregate, declared: this.options.derived?.display };
  }

  /** The IANA time zone run dates are taken in. */
  get timezone(): string {
    return this.options.timezone ?? "UTC";
  }

  runDate(date?: string): string {
    const today = dateInTimeZone((this.options.now ?? (() => new Date()))(), this.timezone);
    if (date === undefined) return today;
    if (!isIsoDate(date)) throw new ConfigError([`date: "${date}" is not a date; use YYYY-MM-DD`]);
    const future = futureDateProblem(date, today, this.timezone);
    if (future) throw new ConfigError([`date: ${future}`]);
    return date;
  }

  async collect(job: Job, options: ProcessOptions = {}): Promise<Snapshot> {
    const date = this.runDate(options.date);
    const only = options.only;
    if (only) {
      const unknown = only.filter((name) => !this.sources.some((s) => s.name === name));
      if (unknown.length) throw new ConfigError([`only: no source named ${unknown.map((n) => `"${n}"`).join(", ")}`]);
    }
    const selected = only ? this.sources.filter((s) => only.includes(s.name)) : this.sources;
    const http = this.options.http ?? createHttpClient();
    const failures: SourceFailure[] = [];
    const collected = await mapWithConcurrency(selected, this.options.concurrency ?? 8, async (source) => {
      const started = Date.now();
      this.options.onProgress?.({ type: "source-start", source: source.name });
      try {
        const values = await collectSource(source, {
          http,
          timeoutMs: source.timeoutMs ?? this.options.sourceTimeoutMs ?? 30_000,
          logger: this.logger,
          secrets: this.secrets,
          date,
          timezone: this.timezone,
        });
        const durationMs = Date.now() - started;
        this.logger.info(`source ${source.name}: ${plural(Object.keys(values).length, "metric")}`, { job, source: source.name, durationMs });
        this.options.onProgress?.({ type: "source-done", source: source.name, durationMs, metrics: Object.keys(values).length });
        return { source, metrics: values, durationMs };
      } catch (error) {
        const reason = this.secrets.redact(error instanceof SourceError && error.source === source.name ? error.reason : errorMessage(error));
        failures.push({ source: source.name, error: reason, ...(source.metricNames ? { metrics: [...source.metricNames] } : {}) });
        const durationMs = Date.now() - started;
        this.logger.warn(`source ${source.name} failed: ${reason}`, { job, source: source.name, durationMs, event: "source-failed" });
        this.options.onProgress?.({ type: "source-failed", source: source.name, durationMs, error: reason });
        return undefined;
      }
    });
    // Settled in config order once all are in, so finishing order never decides a clash.
    const { metrics, clashes } = claimMetrics(
      this.sources,
      collected.filter((c) => c !== undefined),
    );
    for (const clash of clashes) {
      failures.push(clash);
      const durationMs = collected.find((c) => c?.source.name === clash.source)?.durationMs ?? 0;
      this.logger.warn(`source ${clash.source} failed: ${clash.error}`, { job, source: clash.source, durationMs, event: "source-failed" });
      this.options.onProgress?.({ type: "source-failed", source: clash.source, durationMs, error: clash.error });
    }
    failures.sort((a, b) => a.source.localeCompare(b.source));
    return { date, job, metrics: sortKeys(metrics), failures };
  }

  /**
   * Runs of the same date go one after the other. Two at once (a redelivery while the first
   * still runs, or the daily and weekly-report jobs together) would both find no row and both
   * create one, and both see the report unsent and both post it. Production runs one instance
   * with one request at a time (terraform/function.tf), so this only orders what that already
   * does; rows two instances still duplicate (during a deploy) are repaired by the Notion store's
   * next upsert of that date.
   */
  async process(job: Job, options: ProcessOptions = {}): Promise<RunResult> {
    const date = this.runDate(options.date);
    const previous = this.runsByDate.get(date);
    const run = (previous ?? Promise.resolve()).catch(() => {}).then(() => this.processNow(job, { ...options, date }));
    this.runsByDate.set(date, run);
    try {
      return await run;
    } finally {
      if (this.runsByDate.get(date) === run) this.runsByDate.delete(date);
    }
  }

  private async processNow(job: Job, options: ProcessOptions): Promise<RunResult> {
    for (const destination of this.destinations) destination.beginRun?.();
    const snapshot = await this.derive(await this.collect(job, options));
    if (options.dryRun) return { snapshot, destinations: [], ok: true };
    const destinations = await this.fanOut(snapshot);
    return { snapshot, destinations, ok: destinations.every((d) => d.ok) };
  }

  /** The step after the sources, before the destinations: adds the derived metrics, or their failures. */
  async derive(snapshot: Snapshot): Promise<Snapshot> {
    const program = this.options.derived;
    if (!program) return snapshot;
    return deriveMetrics(snapshot, program, { history: this.history, logger: this.logger, secrets: this.secrets });
  }

  /**
   * History stores write first, so destinations that read one (the default, or one a destination
   * names) see today's row, and no store's upsert races a reader's write to the same date.
   */
  async fanOut(snapshot: Snapshot): Promise<DestinationResult[]> {
    const subscribed = this.destinations.filter((d) => !d.jobs || d.jobs.includes(snapshot.job));
    const first = subscribed.filter(isHistoryStore);
    const rest = subscribed.filter((d) => !isHistoryStore(d));
    const results = await Promise.all(first.map((d) => this.writeOne(d, snapshot)));
    results.push(...(await Promise.all(rest.map((d) => this.writeOne(d, snapshot)))));
    return results;
  }

  private async writeOne(destination: Destination, snapshot: Snapshot): Promise<DestinationResult> {
    const started = Date.now();
    const context = {
      logger: this.logger.child({ destination: destination.name }),
      secrets: this.secrets,
      history: this.history,
      northStar: this.options.northStar,
      northStarAggregate: this.options.northStarAggregate,
      metricDisplay: this.options.derived?.display,
      now: this.options.now ?? (() => new Date()),
    };
    try {
      await destination.write(snapshot, context);
      const durationMs = Date.now() - started;
      this.logger.info(`destination ${destination.name} written`, { job: snapshot.job, destination: destination.name, durationMs });
      this.options.onProgress?.({ type: "destination-done", destination: destination.name, durationMs });
      return { destination: destination.name, ok: true, durationMs };
    } catch (error) {
      const durationMs = Date.now() - started;
      const reason = this.secrets.redact(errorMessage(error));
      this.logger.error(`destination ${destination.name} failed: ${reason}`, {
        job: snapshot.job,
        destination: destination.name,
        durationMs,
        event: "destination-failed",
      });
      this.options.onProgress?.({ type: "destination-failed", destination: destination.name, durationMs, error: reason });
      return { destination: destination.name, ok: false, error: reason, durationMs };
    }
  }
}

function sortKeys(metrics: Metrics): Metrics {
  return Object.fromEntries(Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b)));
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
