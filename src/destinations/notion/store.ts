import { APIErrorCode, isFullPage, isHTTPResponseError, type PageObjectResponse, type PartialPageObjectResponse } from "@notionhq/client";
import { ColumnTypeError, ConfigError, UncertainWrite } from "../../errors.js";
import { silentLogger, type Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import type { Destination, HistoryRow, HistoryStore, Job, ReportMark, Snapshot } from "../../types.js";
import { NotionApi, classifyFailure, giveUp, isTransient, type NotionFetch } from "./client.js";
import { withRetry } from "../../http/retry.js";
import { mergeAlerted, mergeReportMark } from "../../history/columns.js";
import { parseNotionId } from "./database-id.js";
import { toDestinationError } from "./errors.js";
import { ALERTED_PROPERTY, DEFAULT_DATE_PROPERTY, NOTION_TYPE, REPORTED_TO_PROPERTY, type NotionOptions, type NotionTuning } from "./options.js";
import { findByDate, findNearest, findRange } from "./queries.js";
import { alertedProperty, keyProperties, metricProperties, pageToRow, reportedToProperty, toHistoryRow, type PropertyValues, type StoredRow } from "./rows.js";
import { loadSchema, syncColumns, type Column, type Schema } from "./schema-sync.js";

/** What the notion destination needs besides its options; the tuning knobs are for tests and the CLI. */
export interface NotionDeps extends NotionTuning {
  secrets: Secrets;
  logger?: Logger;
  fetch?: NotionFetch;
}

const REPORTED_TO: Column = { name: REPORTED_TO_PROPERTY, type: "rich_text" };
const ALERTED: Column = { name: ALERTED_PROPERTY, type: "rich_text" };

/**
 * The Notion database as a destination and history store: one page per date.
 * The schema is retrieved once per run (each `write` starts a run) and rows seen
 * are remembered, so every later call of the run costs one request.
 */
export class NotionStore implements Destination, HistoryStore {
  readonly name: string;
  readonly jobs?: readonly Job[];
  private readonly api: NotionApi;
  private readonly databaseId: string;
  private readonly options: NotionOptions;
  private readonly secrets: Secrets;
  private readonly logger: Logger;
  private schema?: Promise<Schema>;
  private readonly seen = new Map<string, StoredRow>();
  /** Dates a `range` of this run read whole: every row in them is in `seen`. */
  private covered?: { from: string; to: string };
  /** `beginRun` was called and no `write` has happened since: what the run read stays known. */
  private runBegun = false;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(options: NotionOptions, deps: NotionDeps) {
    deps.secrets.add(options.token);
    const databaseId = parseNotionId(options.database);
    if (!databaseId) throw new ConfigError([`database: "${options.database}" is not a Notion database id or URL`]);
    this.name = options.name ?? NOTION_TYPE;
    this.jobs = options.jobs;
    this.databaseId = databaseId;
    this.options = options;
    this.secrets = deps.secrets;
    this.logger = deps.logger ?? silentLogger();
    this.api = new NotionApi({ ...deps, token: options.token, baseUrl: options.baseUrl, logger: this.logger });
  }

  private get dateColumn(): Column {
    return { name: this.options.dateProperty ?? DEFAULT_DATE_PROPERTY, type: "date" };
  }

  beginRun(): void {
    this.forget();
    this.runBegun = true;
  }

  /**
   * A write starts a run too, for callers that use the store without a Pipeline. After
   * `beginRun`, the schema and rows the run already read (the derived metrics' history) are kept.
   */
  async write(snapshot: Snapshot): Promise<void> {
    if (!this.runBegun) this.forget();
    this.runBegun = false;
    await this.upsert(snapshot);
  }

  upsert(snapshot: Snapshot): Promise<void> {
    const metrics = Object.keys(snapshot.metrics).map((name): Column => ({ name, type: "number" }));
    return this.writeRow(`upsert of ${snapshot.date}`, snapshot.date, [this.dateColumn, ...metrics], () => metricProperties(snapshot.metrics));
  }

  markReport(date: string, mark: ReportMark, alerted: string[] = []): Promise<void> {
    const columns: Column[] = [this.dateColumn, REPORTED_TO];
    const marks = (row?: StoredRow) => reportedToProperty(mergeReportMark(row?.reportedTo, mark));
    if (!alerted.length) return this.writeRow(`markReport ${date}`, date, columns, marks);
    columns.push(ALERTED);
    return this.writeRow(`markReport ${date}`, date, columns, (row) => ({ ...marks(row), ...alertedProperty(mergeAlerted(row?.alerted, alerted)) }));
  }

  markAlerted(date: string, sources: string[]): Promise<void> {
    return this.writeRow(`markAlerted ${date}`, date, [this.dateColumn, ALERTED], (row) => alertedProperty(mergeAlerted(row?.alerted, sources)));
  }

  get(date: string): Promise<HistoryRow | undefined> {
    // This run already wrote or read the row: what Notion answered then is current, and a
    // weekly run's report check costs no extra request.
    const known = this.seen.get(date);
    if (known?.createdTime) return Promise.resolve(toHistoryRow(known));
    return this.read(`get ${date}`, async (schema) => this.remember((await findByDate(this.api, schema, date))[0]));
  }

  nearestOnOrBefore(date: string, windowDays: number): Promise<HistoryRow | undefined> {
    return this.read(`nearestOnOrBefore ${date}`, async (schema) => this.remember(await findNearest(this.api, schema, date, windowDays)));
  }

  range(from: string, to: string): Promise<HistoryRow[]> {
    // Inside dates this run already read whole (the derived metrics' history), the rows seen are
    // current: this store made every write since. So a weekly report's read costs no request.
    const known = this.seenRange(from, to);
    if (known) return Promise.resolve(known);
    return this.read(
      `range ${from}..${to}`,
      async (schema) => {
        if (from > to) return [];
        const rows = await findRange(this.api, schema, from, to);
        if (!this.covered || from < this.covered.from || to > this.covered.to) this.covered = { from, to };
        return rows.map((row) => this.remember(row)).filter((row): row is HistoryRow => !!row);
      },
      [],
    );
  }

  private seenRange(from: string, to: string): HistoryRow[] | undefined {
    if (!this.covered || from < this.covered.from || to > this.covered.to) return undefined;
    const rows = [...this.seen.values()].filter((row) => row.date >= from && row.date <= to).sort((a, b) => a.date.localeCompare(b.date));
    // A row known only from a partial page has no values to offer: ask Notion.
    return rows.every((row) => row.createdTime) ? rows.map(toHistoryRow) : undefined;
  }

  /** Starts a new run: the schema and the rows seen may have changed since. */
  forget(): void {
    this.schema = undefined;
    this.covered = undefined;
    this.seen.clear();
  }

  private remember(row: StoredRow | undefined): HistoryRow | undefined {
    if (!row) return undefined;
    this.seen.set(row.date, row);
    return toHistoryRow(row);
  }

  private loadSchema(): Promise<Schema> {
    this.schema ??= loadSchema(this.api, this.databaseId, { dateProperty: this.dateColumn.name, titleProperty: this.options.titleProperty }).catch(
      (error: unknown) => {
        this.schema = undefined;
        throw error;
      },
    );
    return this.schema;
  }

  /** Reads never change the schema: before the first write there is simply nothing to find. */
  private read<T>(what: string, run: (schema: Schema) => Promise<T>, empty?: T): Promise<T> {
    return this.guard(what, async () => {
      const schema = await this.loadSchema();
      const dateType = schema.types.get(schema.dateProperty);
      if (dateType === undefined) return empty as T;
      if (dateType !== "date") throw new ColumnTypeError(schema.dateProperty, dateType, "date");
      return run(schema);
    });
  }

  /**
   * Upsert keyed by date: update the (oldest) row of the date, or create one. A create
   * that failed uncertainly is redone whole, re-querying first, so it never duplicates.
   * Writes run one at a time: two report destinations marking the same row in parallel each
   * build on the row the other left, so neither mark is lost.
   */
  private writeRow(what: string, date: string, required: Column[], build: (row?: StoredRow) => PropertyValues): Promise<void> {
    const next = this.writes.then(() => this.writeRowNow(what, date, required, build));
    this.writes = next.catch(() => undefined);
    return next;
  }

  private writeRowNow(what: string, date: string, required: Column[], build: (row?: StoredRow) => PropertyValues): Promise<void> {
    return this.guard(what, async () => {
      const schema = await this.loadSchema();
      const added = await syncColumns(this.api, schema, required, [this.dateColumn, ALERTED, REPORTED_TO]);
      if (added.length) this.logger.info(`notion: added columns ${added.join(", ")}`, { destination: this.name });
      // The redo is safe whatever failed: it looks the date up again before creating.
      await withRetry(
        this.api.retry,
        {
          idempotent: true,
          classify: (error) => (error instanceof UncertainWrite ? classifyFailure(error.failure) : "final"),
          giveUp: (error, attempts) => (error instanceof UncertainWrite ? giveUp(error.failure, attempts) : error),
          onRetry: (_error, _attempt, waitMs) =>
            this.logger.warn(`notion: creating the row of ${date} may have failed; redoing the upsert in ${waitMs} ms`, { destination: this.name }),
        },
        () =>
          this.writeOnce(schema, date, build).catch((error: unknown) => {
            if (error instanceof UncertainWrite) this.seen.delete(date);
            throw error;
          }),
      );
    });
  }

  private async writeOnce(schema: Schema, date: string, build: (row?: StoredRow) => PropertyValues): Promise<void> {
    const known = this.seen.get(date);
    if (known) {
      try {
        return await this.update(schema, known, build);
      } catch (error) {
        // The page was trashed or deleted since we saw it: look the date up again.
        if (!isHTTPResponseError(error) || (error.code !== APIErrorCode.ObjectNotFound && error.code !== APIErrorCode.ValidationError)) throw error;
        this.seen.delete(date);
      }
    }
    const [oldest, ...extras] = await findByDate(this.api, schema, date);
    if (oldest) {
      await this.update(schema, oldest, build);
      for (const extra of extras) {
        await this.api.call(`trash duplicate ${date}`, (c) => c.pages.update({ page_id: extra.pageId, in_trash: true }));
      }
      if (extras.length) this.logger.warn(`notion: moved ${extras.length} duplicate row(s) of ${date} to the trash`, { destination: this.name });
      return;
    }
    const properties = { ...keyProperties(schema, date), ...build() };
    try {
      const page = await this.api.call(`create ${date}`, (c) => c.pages.create({ parent: { data_source_id: schema.dataSourceId }, properties }), false);
      this.rememberPage(schema, date, page);
    } catch (error) {
      throw isTransient(error) ? new UncertainWrite(error) : error;
    }
  }

  private async update(schema: Schema, row: StoredRow, build: (row?: StoredRow) => PropertyValues): Promise<void> {
    const properties = { ...keyProperties(schema, row.date), ...build(row) };
    const page = await this.api.call(`update ${row.date}`, (c) => c.pages.update({ page_id: row.pageId, properties }));
    this.rememberPage(schema, row.date, page);
  }

  private rememberPage(schema: Schema, date: string, page: PageObjectResponse | PartialPageObjectResponse): void {
    this.seen.set(date, isFullPage(page) ? { ...pageToRow(schema, page), date } : { pageId: page.id, createdTime: "", date, metrics: {} });
  }

  private async guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isHTTPResponseError(error) && error.code === APIErrorCode.ValidationError) this.forget();
      const target = `database ${this.databaseId}`;
      throw toDestinationError(error, { destination: this.name, what, target, secrets: this.secrets });
    }
  }
}
