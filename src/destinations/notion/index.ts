import type { Destination, HistoryStore } from "../../types.js";
import type { NotionOptions } from "./options.js";
import { NotionStore, type NotionDeps } from "./store.js";

export { NOTION_TYPE, notionOptionsSchema, type NotionOptions, type NotionTuning } from "./options.js";
export { parseNotionId } from "./database-id.js";
export { notionInit, type NotionInitOptions, type NotionInitResult } from "./init.js";
export type { NotionDeps } from "./store.js";

/** The `notion` destination: keeps one row a day of history in a Notion database. */
export function createNotionDestination(options: NotionOptions, deps: NotionDeps): Destination & HistoryStore {
  return new NotionStore(options, deps);
}
