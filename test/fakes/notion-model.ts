/** The in-memory state of the fake Notion: databases, their data source, and pages. Shapes follow API version 2025-09-03. */

export class NotionApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const validation = (message: string) => new NotionApiError(400, "validation_error", message);
export const notFound = (kind: string, id: string) =>
  new NotionApiError(
    404,
    "object_not_found",
    `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  );

export interface Column {
  id: string;
  name: string;
  type: string;
  config: Record<string, unknown>;
}

/** A cell as stored: number|null, date start|null, text, or boolean, by column type. */
export type Cell = number | string | boolean | null;

export interface FakePage {
  id: string;
  dataSourceId: string;
  createdTime: string;
  lastEditedTime: string;
  /** Breaks created_time ties: Notion's timestamps have minute precision. */
  seq: number;
  inTrash: boolean;
  cells: Map<string, Cell>;
}

export interface FakeDataSource {
  id: string;
  databaseId: string;
  title: string;
  columns: Map<string, Column>;
  pages: FakePage[];
}

export interface FakeDatabase {
  id: string;
  title: string;
  parentPageId: string;
  dataSourceId: string;
  shared: boolean;
  createdTime: string;
}

const USER = { object: "user", id: "7f0a0b6c-4a0e-4f3c-9d1e-000000000001" };
const compact = (id: string) => id.replace(/-/g, "");
const nowIso = () => new Date().toISOString();

export function richText(content: string) {
  return {
    type: "text",
    text: { content, link: null },
    annotations: { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: "default" },
    plain_text: content,
    href: null,
  };
}

/** Columns made so far: each id is unique, as Notion's property ids are within a data source (4 random hex characters once collided). */
let columnsMade = 0;

export function newColumn(name: string, type: string, config: Record<string, unknown> = {}): Column {
  const id = type === "title" ? "title" : `p${(++columnsMade).toString(36)}`;
  return { id, name, type, config: type === "number" && !Object.keys(config).length ? { format: "number" } : config };
}

/** Changes a column's type as Notion does, converting each page's cell where the value carries over. */
export function retypeColumn(source: FakeDataSource, column: Column, type: string): void {
  for (const page of source.pages) {
    const cell = page.cells.get(column.id);
    if (cell !== undefined) page.cells.set(column.id, convertCell(cell, type));
  }
  column.type = type;
}

function convertCell(cell: Cell, type: string): Cell {
  if (cell === null) return type === "checkbox" ? false : null;
  switch (type) {
    case "title":
    case "rich_text":
      return String(cell);
    case "number": {
      const n = typeof cell === "number" ? cell : Number(cell);
      return typeof cell !== "boolean" && cell !== "" && Number.isFinite(n) ? n : null;
    }
    case "checkbox":
      return cell === true || cell === "true" || cell === "Yes";
    case "date":
      return typeof cell === "string" && !Number.isNaN(Date.parse(cell)) ? cell : null;
    default:
      return null;
  }
}

export function columnByName(source: FakeDataSource, name: string): Column | undefined {
  return source.columns.get(name) ?? [...source.columns.values()].find((c) => c.id === name);
}

export function databaseJson(db: FakeDatabase) {
  return {
    object: "database",
    id: db.id,
    title: [richText(db.title)],
    description: [],
    parent: { type: "page_id", page_id: db.parentPageId },
    is_inline: false,
    in_trash: false,
    is_locked: false,
    created_time: db.createdTime,
    last_edited_time: db.createdTime,
    created_by: USER,
    last_edited_by: USER,
    data_sources: [{ id: db.dataSourceId, name: db.title }],
    icon: null,
    cover: null,
    url: `https://www.notion.so/${compact(db.id)}`,
    public_url: null,
  };
}

export function dataSourceJson(source: FakeDataSource, db: FakeDatabase) {
  const properties = Object.fromEntries(
    [...source.columns.values()].map((c) => [c.name, { id: c.id, name: c.name, description: "", type: c.type, [c.type]: c.config }]),
  );
  return {
    object: "data_source",
    id: source.id,
    title: [richText(source.title)],
    description: [],
    parent: { type: "database_id", database_id: source.databaseId },
    database_parent: { type: "page_id", page_id: db.parentPageId },
    properties,
    is_inline: false,
    in_trash: false,
    archived: false,
    created_time: db.createdTime,
    last_edited_time: db.createdTime,
    created_by: USER,
    last_edited_by: USER,
    icon: null,
    cover: null,
    url: `https://www.notion.so/${compact(source.id)}`,
    public_url: null,
  };
}

function valueJson(column: Column, cell: Cell | undefined) {
  const base = { id: column.id, type: column.type };
  switch (column.type) {
    case "title":
    case "rich_text":
      return { ...base, [column.type]: typeof cell === "string" && cell !== "" ? [richText(cell)] : [] };
    case "number":
      return { ...base, number: typeof cell === "number" ? cell : null };
    case "date":
      return { ...base, date: typeof cell === "string" ? { start: cell, end: null, time_zone: null } : null };
    case "checkbox":
      return { ...base, checkbox: cell === true };
    default:
      return { ...base, [column.type]: cell ?? null };
  }
}

export function pageJson(page: FakePage, source: FakeDataSource) {
  const properties = Object.fromEntries([...source.columns.values()].map((c) => [c.name, valueJson(c, page.cells.get(c.id))]));
  return {
    object: "page",
    id: page.id,
    created_time: page.createdTime,
    last_edited_time: page.lastEditedTime,
    created_by: USER,
    last_edited_by: USER,
    cover: null,
    icon: null,
    parent: { type: "data_source_id", data_source_id: source.id, database_id: source.databaseId },
    archived: page.inTrash,
    in_trash: page.inTrash,
    is_locked: false,
    properties,
    url: `https://www.notion.so/${compact(page.id)}`,
    public_url: null,
  };
}

/** Reads a property value from a write body, as Notion validates it. */
export function parseCell(column: Column, value: unknown): Cell {
  const v = (value ?? {}) as Record<string, unknown>;
  const expected = () => validation(`${column.name} is expected to be ${column.type}.`);
  if (!(column.type in v)) throw expected();
  const inner = v[column.type];
  switch (column.type) {
    case "number":
      if (inner !== null && (typeof inner !== "number" || !Number.isFinite(inner))) {
        throw validation(
          `body failed validation: body.properties.${column.name}.number should be a number or \`null\`, instead was \`${JSON.stringify(inner)}\`.`,
        );
      }
      return inner;
    case "date": {
      if (inner === null) return null;
      const start = (inner as { start?: unknown }).start;
      if (typeof start !== "string" || Number.isNaN(Date.parse(start)))
        throw validation(
          `body failed validation: body.properties.${column.name}.date.start should be a valid ISO 8601 date string, instead was \`${JSON.stringify(start)}\`.`,
        );
      return start;
    }
    case "checkbox":
      if (typeof inner !== "boolean")
        throw validation(`body failed validation: body.properties.${column.name}.checkbox should be a boolean, instead was \`${JSON.stringify(inner)}\`.`);
      return inner;
    case "title":
    case "rich_text": {
      if (!Array.isArray(inner))
        throw validation(`body failed validation: body.properties.${column.name}.${column.type} should be an array, instead was \`${JSON.stringify(inner)}\`.`);
      if (inner.length > 100)
        throw validation(`body failed validation: body.properties.${column.name}.${column.type}.length should be ≤ \`100\`, instead was \`${inner.length}\`.`);
      const parts = inner.map((part: { text?: { content?: unknown } }) => part?.text?.content);
      if (parts.some((p) => typeof p !== "string"))
        throw validation(`body failed validation: body.properties.${column.name}.${column.type}[0].text.content should be defined.`);
      if (parts.some((p) => (p as string).length > 2000))
        throw validation(`body failed validation: body.properties.${column.name}.${column.type}[0].text.content.length should be ≤ \`2000\`.`);
      return parts.join("");
    }
    default:
      throw validation(`Writing ${column.type} properties is not supported by the fake Notion.`);
  }
}

/** Applies a write body's `properties` to `page`, validating every name and value first. */
export function writeCells(source: FakeDataSource, page: FakePage, properties: unknown): void {
  if (properties === undefined) return;
  if (!properties || typeof properties !== "object") throw validation("body failed validation: body.properties should be an object.");
  const updates: [string, Cell][] = [];
  for (const [name, value] of Object.entries(properties)) {
    const column = columnByName(source, name);
    if (!column) throw validation(`${name} is not a property that exists.`);
    updates.push([column.id, parseCell(column, value)]);
  }
  for (const [id, cell] of updates) page.cells.set(id, cell);
  page.lastEditedTime = nowIso();
}
