import { isFullDataSource, isFullDatabase, type UpdateDataSourceParameters } from "@notionhq/client";
import { ColumnTypeError, KpiError } from "../../errors.js";
import type { NotionApi } from "./client.js";

/** The column types kpi-collector writes. */
export type ColumnType = "title" | "date" | "number" | "checkbox" | "rich_text";

export interface Column {
  name: string;
  type: ColumnType;
}

/** What one run knows of the database: retrieved once, then kept. */
export interface Schema {
  databaseId: string;
  dataSourceId: string;
  titleProperty: string;
  dateProperty: string;
  /** Every column's type by name. */
  types: Map<string, string>;
}

/** Costs two requests: the database, then its first data source. */
export async function loadSchema(api: NotionApi, databaseId: string, names: { dateProperty: string; titleProperty?: string }): Promise<Schema> {
  const database = await api.call("retrieve database", (c) => c.databases.retrieve({ database_id: databaseId }));
  const first = isFullDatabase(database) ? database.data_sources[0] : undefined;
  if (!first) throw new KpiError("notion_no_data_source", `database ${databaseId} has no data source to write rows to`);
  const source = await api.call("retrieve data source", (c) => c.dataSources.retrieve({ data_source_id: first.id }));
  if (!isFullDataSource(source)) throw new KpiError("notion_no_data_source", `data source ${first.id} came back without its properties`);
  const types = new Map(Object.values(source.properties).map((p) => [p.name, p.type as string]));
  const titleProperty = names.titleProperty ?? [...types].find(([, type]) => type === "title")?.[0];
  if (!titleProperty) throw new KpiError("notion_no_title", `data source ${first.id} has no title column`);
  const titleType = types.get(titleProperty);
  if (titleType !== "title") {
    if (titleType === undefined) throw new KpiError("notion_no_title", `titleProperty "${titleProperty}" is not a column of the database`);
    throw new ColumnTypeError(titleProperty, titleType, "title");
  }
  return { databaseId, dataSourceId: source.id, titleProperty, dateProperty: names.dateProperty, types };
}

/**
 * Makes sure `required` columns exist, adding every missing one in a single
 * `dataSources.update`; `extras` ride along only when that update happens anyway.
 * Never deletes, renames or retypes a column. Returns the names it added.
 */
export async function syncColumns(api: NotionApi, schema: Schema, required: readonly Column[], extras: readonly Column[] = []): Promise<string[]> {
  for (const column of required) {
    const actual = schema.types.get(column.name);
    if (actual !== undefined && actual !== column.type) throw new ColumnTypeError(column.name, actual, column.type);
  }
  const missing = required.filter((c) => !schema.types.has(c.name));
  if (missing.length === 0) return [];
  const seen = new Set(missing.map((c) => c.name));
  for (const extra of extras) {
    if (!schema.types.has(extra.name) && !seen.has(extra.name)) {
      missing.push(extra);
      seen.add(extra.name);
    }
  }
  const properties = Object.fromEntries(missing.map((c) => [c.name, columnConfig(c.type)]));
  await api.call(`add columns ${missing.map((c) => c.name).join(", ")}`, (c) => c.dataSources.update({ data_source_id: schema.dataSourceId, properties }));
  for (const column of missing) schema.types.set(column.name, column.type);
  return missing.map((c) => c.name);
}

type ColumnConfig = Exclude<NonNullable<UpdateDataSourceParameters["properties"]>[string], null>;

/** The configuration object Notion expects for a new column of `type`. */
export function columnConfig(type: ColumnType): ColumnConfig {
  switch (type) {
    case "number":
      return { number: { format: "number" } };
    case "title":
      return { title: {} };
    case "date":
      return { date: {} };
    case "checkbox":
      return { checkbox: {} };
    case "rich_text":
      return { rich_text: {} };
  }
}
