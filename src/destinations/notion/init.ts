import type { CreateDatabaseParameters } from "@notionhq/client";
import { ConfigError } from "../../errors.js";
import { silentLogger } from "../../log/logger.js";
import { NotionApi } from "./client.js";
import { parseNotionId } from "./database-id.js";
import { toDestinationError } from "./errors.js";
import { ALERTED_PROPERTY, DEFAULT_DATE_PROPERTY, INIT_TITLE_PROPERTY, NOTION_TYPE, REPORTED_TO_PROPERTY, REPORT_SENT_PROPERTY } from "./options.js";
import { columnConfig, type Column } from "./schema-sync.js";
import type { NotionDeps } from "./store.js";

export interface NotionInitOptions {
  token: string;
  /** The page to create the database in: an id or its notion.so URL. It must be shared with the integration. */
  parent: string;
  /** The metric names to create number columns for; later ones are added by the first run. */
  metrics: readonly string[];
  /** @default "https://api.notion.com" */
  baseUrl?: string;
  /** @default "KPIs" */
  title?: string;
}

export interface NotionInitResult {
  /** Put this in the config as `database:`. */
  databaseId: string;
  url?: string;
}

type InitialProperties = NonNullable<NonNullable<CreateDatabaseParameters["initial_data_source"]>["properties"]>;

/**
 * Creates a database ready for the `notion` destination under `parent`: a title column,
 * a `Date` date column, `Alerted`, `Reported to`, and one number column per metric.
 * Costs one request.
 */
export async function notionInit(options: NotionInitOptions, deps: NotionDeps): Promise<NotionInitResult> {
  deps.secrets.add(options.token);
  const pageId = parseNotionId(options.parent);
  if (!pageId) throw new ConfigError([`parent: "${options.parent}" is not a Notion page id or URL`]);
  const reserved = [INIT_TITLE_PROPERTY, DEFAULT_DATE_PROPERTY, REPORT_SENT_PROPERTY, ALERTED_PROPERTY, REPORTED_TO_PROPERTY];
  const clash = options.metrics.filter((m) => reserved.includes(m));
  if (clash.length) throw new ConfigError([`metrics: ${clash.join(", ")} clash with the columns kpi-collector keeps (${reserved.join(", ")})`]);
  const columns: Column[] = [
    { name: INIT_TITLE_PROPERTY, type: "title" },
    { name: DEFAULT_DATE_PROPERTY, type: "date" },
    ...[...new Set(options.metrics)].map((name): Column => ({ name, type: "number" })),
    { name: ALERTED_PROPERTY, type: "rich_text" },
    { name: REPORTED_TO_PROPERTY, type: "rich_text" },
  ];
  const body: CreateDatabaseParameters = {
    parent: { type: "page_id", page_id: pageId },
    title: [{ type: "text", text: { content: options.title ?? "KPIs" } }],
    initial_data_source: { properties: Object.fromEntries(columns.map((c) => [c.name, columnConfig(c.type)])) as InitialProperties },
  };
  const logger = deps.logger ?? silentLogger();
  const api = new NotionApi({ ...deps, token: options.token, baseUrl: options.baseUrl, logger });
  try {
    // A create is not retried on a timeout: a second database would be worse than an error.
    const database = await api.call("create database", (c) => c.databases.create(body), false);
    logger.info(`notion: created database ${database.id}`);
    return { databaseId: database.id, url: "url" in database ? database.url : undefined };
  } catch (error) {
    throw toDestinationError(error, {
      destination: NOTION_TYPE,
      what: "notion init",
      target: `page ${pageId}`,
      secrets: deps.secrets,
      uncertain: "it is not retried, since Notion may have created the database anyway: look in the parent page before running notion init again",
      notFound: `parent page not found or not shared with the integration (page ${pageId}): open the page in Notion, then its ••• menu > Connections > add your integration`,
    });
  }
}
