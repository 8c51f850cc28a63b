import type { QueryDataSourceParameters } from "@notionhq/client";
import { addDays } from "../../dates.js";
import type { NotionApi } from "./client.js";
import { fullPages, pageToRow, type StoredRow } from "./rows.js";
import type { Schema } from "./schema-sync.js";

type Filter = NonNullable<QueryDataSourceParameters["filter"]>;
type Sorts = NonNullable<QueryDataSourceParameters["sorts"]>;

/** Notion's largest page. */
const MAX_PAGE_SIZE = 100;

const OLDEST_FIRST = { timestamp: "created_time", direction: "ascending" } as const;

function onDate(schema: Schema, operator: "equals" | "on_or_before" | "on_or_after", date: string): Filter {
  return { property: schema.dateProperty, date: { [operator]: date } } as Filter;
}

async function query(api: NotionApi, schema: Schema, what: string, body: { filter: Filter; sorts: Sorts; page_size: number; start_cursor?: string }) {
  return api.call(what, (c) => c.dataSources.query({ data_source_id: schema.dataSourceId, ...body }));
}

/**
 * The rows dated `date`, oldest first: one request in the normal case (`page_size` 2 is
 * enough to tell one row from a duplicate); a second only to list a pile of duplicates.
 */
export async function findByDate(api: NotionApi, schema: Schema, date: string, pageSize = 2): Promise<StoredRow[]> {
  const body = { filter: onDate(schema, "equals", date), sorts: [OLDEST_FIRST], page_size: pageSize };
  const response = await query(api, schema, `query ${date}`, body);
  if (response.has_more && pageSize < MAX_PAGE_SIZE) return findByDate(api, schema, date, MAX_PAGE_SIZE);
  return fullPages(response).map((page) => pageToRow(schema, page));
}

/** The latest row on or before `date`, no more than `windowDays` earlier: one request. */
export async function findNearest(api: NotionApi, schema: Schema, date: string, windowDays: number): Promise<StoredRow | undefined> {
  const filter = { and: [onDate(schema, "on_or_before", date), onDate(schema, "on_or_after", addDays(date, -windowDays))] } as Filter;
  const sorts: Sorts = [{ property: schema.dateProperty, direction: "descending" }, OLDEST_FIRST];
  const response = await query(api, schema, `query nearest to ${date}`, { filter, sorts, page_size: 1 });
  const page = fullPages(response)[0];
  return page && pageToRow(schema, page);
}

/** Rows from `from` to `to`, oldest first, one per date: one request per 100 rows. */
export async function findRange(api: NotionApi, schema: Schema, from: string, to: string): Promise<StoredRow[]> {
  const filter = { and: [onDate(schema, "on_or_after", from), onDate(schema, "on_or_before", to)] } as Filter;
  const sorts: Sorts = [{ property: schema.dateProperty, direction: "ascending" }, OLDEST_FIRST];
  const byDate = new Map<string, StoredRow>();
  let cursor: string | undefined;
  do {
    const body = { filter, sorts, page_size: MAX_PAGE_SIZE, ...(cursor ? { start_cursor: cursor } : {}) };
    const response = await query(api, schema, `query ${from}..${to}`, body);
    for (const page of fullPages(response)) {
      const row = pageToRow(schema, page);
      // Sorted oldest-created first within a date, so a duplicate never displaces the row upserts update.
      if (!byDate.has(row.date)) byDate.set(row.date, row);
    }
    cursor = response.has_more ? (response.next_cursor ?? undefined) : undefined;
  } while (cursor);
  return [...byDate.values()];
}
