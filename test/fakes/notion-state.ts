import { randomUUID } from "node:crypto";
import { newColumn, notFound, writeCells, type FakeDataSource, type FakeDatabase, type FakePage } from "./notion-model.js";

/** What a test seeds and reads back: one row of the history. */
export interface SeedRow {
  date: string;
  metrics?: Record<string, number>;
  /** The legacy `Report sent` checkbox. */
  reportSent?: boolean;
  alerted?: string[];
  /** `Reported to` entries: `discord` once complete, `slack 1/3` while under way. */
  reportedTo?: string[];
}

export interface FakeRow extends Required<Omit<SeedRow, "date">> {
  id: string;
  date?: string;
  title: string;
  trashed: boolean;
  createdTime: string;
}

/** Notion accepts ids with or without dashes. */
export function normalizeId(id: string): string {
  const c = decodeURIComponent(id).replace(/-/g, "").toLowerCase();
  return c.length === 32 ? `${c.slice(0, 8)}-${c.slice(8, 12)}-${c.slice(12, 16)}-${c.slice(16, 20)}-${c.slice(20)}` : id;
}

/** Notion's timestamps have minute precision; `seq` breaks the ties. */
const minuteNow = () => new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

/** The workspace the fake serves: databases, their single data source, pages, and what is shared. */
export class FakeNotionState {
  readonly databases = new Map<string, FakeDatabase>();
  readonly sources = new Map<string, FakeDataSource>();
  readonly pages = new Map<string, { page: FakePage; source: FakeDataSource }>();
  readonly sharedPages = new Set<string>([randomUUID()]);
  readonly main: FakeDatabase;
  private seq = 0;

  constructor(
    columns: Record<string, string>,
    readonly dateProperty: string,
  ) {
    this.main = this.createDatabase("KPIs", [...this.sharedPages][0] as string, Object.entries(columns));
  }

  createDatabase(title: string, parentPageId: string, columns: [string, string, Record<string, unknown>?][]): FakeDatabase {
    const db: FakeDatabase = { id: randomUUID(), title, parentPageId, dataSourceId: randomUUID(), shared: true, createdTime: minuteNow() };
    const source: FakeDataSource = { id: db.dataSourceId, databaseId: db.id, title, columns: new Map(), pages: [] };
    for (const [name, type, config] of columns) source.columns.set(name, newColumn(name, type, config));
    this.databases.set(db.id, db);
    this.sources.set(source.id, source);
    return db;
  }

  sharedDb(id: string): FakeDatabase {
    const db = this.databases.get(normalizeId(id));
    if (!db || !db.shared) throw notFound("database", id);
    return db;
  }

  sharedSource(id: string): FakeDataSource {
    const source = this.sources.get(normalizeId(id));
    if (!source || !this.databases.get(source.databaseId)?.shared) throw notFound("data_source", id);
    return source;
  }

  sharedPage(id: string): { page: FakePage; source: FakeDataSource } {
    const found = this.pages.get(normalizeId(id));
    if (!found || !this.databases.get(found.source.databaseId)?.shared) throw notFound("page", id);
    return found;
  }

  databaseOf(source: FakeDataSource): FakeDatabase {
    return this.databases.get(source.databaseId) as FakeDatabase;
  }

  /** The data source of a database, shared or not: for seeding and assertions. */
  sourceOf(databaseId?: string): FakeDataSource {
    const db = this.databases.get(normalizeId(databaseId ?? this.main.id));
    const source = db && this.sources.get(db.dataSourceId);
    if (!source) throw new Error(`fake notion: no database ${databaseId}`);
    return source;
  }

  addPage(source: FakeDataSource, properties: unknown): FakePage {
    const now = minuteNow();
    const page: FakePage = {
      id: randomUUID(),
      dataSourceId: source.id,
      createdTime: now,
      lastEditedTime: now,
      seq: this.seq++,
      inTrash: false,
      cells: new Map(),
    };
    writeCells(source, page, properties);
    source.pages.push(page);
    this.pages.set(page.id, { page, source });
    return page;
  }

  /** Adds rows directly, creating the columns they need. */
  seed(rows: SeedRow[], databaseId?: string): void {
    const source = this.sourceOf(databaseId);
    const title = [...source.columns.values()].find((c) => c.type === "title") as { name: string };
    const ensure = (name: string, type: string) => {
      if (!source.columns.has(name)) source.columns.set(name, newColumn(name, type));
    };
    for (const row of rows) {
      ensure(this.dateProperty, "date");
      const properties: Record<string, unknown> = {
        [title.name]: { title: [{ text: { content: row.date } }] },
        [this.dateProperty]: { date: { start: row.date } },
      };
      for (const [name, value] of Object.entries(row.metrics ?? {})) {
        ensure(name, "number");
        properties[name] = { number: value };
      }
      if (row.reportSent !== undefined) {
        ensure("Report sent", "checkbox");
        properties["Report sent"] = { checkbox: row.reportSent };
      }
      if (row.alerted !== undefined) {
        ensure("Alerted", "rich_text");
        properties.Alerted = { rich_text: [{ text: { content: row.alerted.join(", ") } }] };
      }
      if (row.reportedTo !== undefined) {
        ensure("Reported to", "rich_text");
        properties["Reported to"] = { rich_text: [{ text: { content: row.reportedTo.join(", ") } }] };
      }
      this.addPage(source, properties);
    }
  }

  /** Every page of a database as a row, trashed ones included, by date then creation. */
  rows(databaseId?: string): FakeRow[] {
    const source = this.sourceOf(databaseId);
    return source.pages
      .map((page) => this.rowOf(page, source))
      .sort((a, b) => (a.date ?? "").localeCompare(b.date ?? "") || a.createdTime.localeCompare(b.createdTime));
  }

  private rowOf(page: FakePage, source: FakeDataSource): FakeRow {
    const row: FakeRow = {
      id: page.id,
      title: "",
      metrics: {},
      reportSent: false,
      alerted: [],
      reportedTo: [],
      trashed: page.inTrash,
      createdTime: page.createdTime,
    };
    for (const column of source.columns.values()) {
      const cell = page.cells.get(column.id);
      if (column.type === "number" && typeof cell === "number") row.metrics[column.name] = cell;
      else if (column.name === this.dateProperty && column.type === "date" && typeof cell === "string") row.date = cell;
      else if (column.type === "title") row.title = String(cell ?? "");
      else if (column.name === "Report sent") row.reportSent = cell === true;
      else if (column.name === "Alerted" && typeof cell === "string")
        row.alerted = cell
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
      else if (column.name === "Reported to" && typeof cell === "string")
        row.reportedTo = cell
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
    }
    return row;
  }
}
