import { columnByName, validation, type Cell, type FakeDataSource, type FakePage } from "./notion-model.js";

/** `POST /v1/data_sources/:id/query` of the fake Notion: filters, sorts and cursor pagination as Notion does them. */

type Predicate = (page: FakePage) => boolean;

const DATE_OPERATORS: Record<string, (cell: string, value: string) => boolean> = {
  equals: (cell, value) => cell === value,
  before: (cell, value) => cell < value,
  after: (cell, value) => cell > value,
  on_or_before: (cell, value) => cell <= value,
  on_or_after: (cell, value) => cell >= value,
};

function compileFilter(source: FakeDataSource, filter: unknown): Predicate {
  const f = filter as Record<string, unknown>;
  if (Array.isArray(f.and)) {
    const parts = f.and.map((p) => compileFilter(source, p));
    return (page) => parts.every((p) => p(page));
  }
  if (Array.isArray(f.or)) {
    const parts = f.or.map((p) => compileFilter(source, p));
    return (page) => parts.some((p) => p(page));
  }
  if (typeof f.property !== "string") throw validation("body failed validation: body.filter.property should be defined, instead was `undefined`.");
  const column = columnByName(source, f.property);
  if (!column) throw validation(`Could not find property with name or id: ${f.property}`);
  const kind = Object.keys(f).find((k) => k !== "property" && k !== "type");
  const condition = (kind ? f[kind] : undefined) as Record<string, unknown> | undefined;
  const typeOk = kind === column.type || (kind === "rich_text" && column.type === "title");
  if (!kind || !condition || !typeOk)
    throw validation(`body failed validation: body.filter.${kind ?? "?"} does not match the type of property ${f.property} (${column.type}).`);
  const cellOf = (page: FakePage): Cell | undefined => page.cells.get(column.id);
  const [operator, value] = Object.entries(condition)[0] ?? [];
  if (operator === "is_empty") return (page) => isEmpty(cellOf(page));
  if (operator === "is_not_empty") return (page) => !isEmpty(cellOf(page));
  if (column.type === "date") {
    const compare = operator ? DATE_OPERATORS[operator] : undefined;
    if (!compare || typeof value !== "string") throw validation(`body failed validation: body.filter.date.${operator} is not supported by the fake Notion.`);
    const day = value.slice(0, 10);
    return (page) => {
      const cell = cellOf(page);
      return typeof cell === "string" && compare(cell.slice(0, 10), day);
    };
  }
  if (operator === "equals") return (page) => (cellOf(page) ?? (column.type === "checkbox" ? false : null)) === value;
  if (operator === "contains" && typeof value === "string") return (page) => String(cellOf(page) ?? "").includes(value);
  throw validation(`body failed validation: body.filter.${kind}.${operator} is not supported by the fake Notion.`);
}

function isEmpty(cell: Cell | undefined): boolean {
  return cell === undefined || cell === null || cell === "";
}

type Comparator = (a: FakePage, b: FakePage) => number;

function compileSorts(source: FakeDataSource, sorts: unknown): Comparator {
  if (sorts === undefined) sorts = [];
  if (!Array.isArray(sorts)) throw validation("body failed validation: body.sorts should be an array.");
  const comparators: Comparator[] = sorts.map((sort: Record<string, unknown>) => {
    const sign = sort.direction === "descending" ? -1 : 1;
    if (sort.timestamp === "created_time") return (a, b) => sign * (a.createdTime.localeCompare(b.createdTime) || a.seq - b.seq);
    if (sort.timestamp === "last_edited_time") return (a, b) => sign * a.lastEditedTime.localeCompare(b.lastEditedTime);
    const column = typeof sort.property === "string" ? columnByName(source, sort.property) : undefined;
    if (!column) throw validation(`Could not find sort property with name or id: ${String(sort.property)}`);
    return (a, b) => sign * compareCells(a.cells.get(column.id), b.cells.get(column.id));
  });
  // Notion's default order is newest first; a stable tie-break keeps pagination deterministic.
  comparators.push((a, b) => b.createdTime.localeCompare(a.createdTime) || b.seq - a.seq);
  return (a, b) => {
    for (const compare of comparators) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  };
}

function compareCells(a: Cell | undefined, b: Cell | undefined): number {
  // Empty values sort last, as in Notion.
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) === isEmpty(b) ? 0 : isEmpty(a) ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

export interface QueryBody {
  filter?: unknown;
  sorts?: unknown;
  start_cursor?: unknown;
  page_size?: unknown;
}

/** The pages of one response page and the cursor of the next, if any. */
export function runQuery(source: FakeDataSource, body: QueryBody): { results: FakePage[]; nextCursor: string | null } {
  const size = body.page_size ?? 100;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > 100) {
    throw validation(`body failed validation: body.page_size should be ≤ \`100\`, instead was \`${JSON.stringify(size)}\`.`);
  }
  const keep = body.filter === undefined ? () => true : compileFilter(source, body.filter);
  const matching = source.pages.filter((p) => !p.inTrash && keep(p)).sort(compileSorts(source, body.sorts));
  let start = 0;
  if (body.start_cursor !== undefined && body.start_cursor !== null) {
    start = matching.findIndex((p) => p.id === body.start_cursor);
    if (start < 0) throw validation(`start_cursor provided is invalid: ${String(body.start_cursor)}`);
  }
  const results = matching.slice(start, start + size);
  const next = matching[start + size];
  return { results, nextCursor: next ? next.id : null };
}
