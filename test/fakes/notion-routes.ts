import { columnByName, dataSourceJson, databaseJson, newColumn, notFound, pageJson, retypeColumn, validation, writeCells } from "./notion-model.js";
import { runQuery } from "./notion-query.js";
import { normalizeId, type FakeNotionState } from "./notion-state.js";

/** The fake Notion's endpoints, keyed by "METHOD /route"; each returns the JSON body or throws a `NotionApiError`. */

export type Handler = (id: string, body: Record<string, unknown>) => unknown;

export const ROUTES: [method: string, pattern: RegExp, route: string][] = [
  ["GET", /^\/v1\/databases\/([^/]+)$/, "/v1/databases/:id"],
  ["POST", /^\/v1\/databases$/, "/v1/databases"],
  ["GET", /^\/v1\/data_sources\/([^/]+)$/, "/v1/data_sources/:id"],
  ["PATCH", /^\/v1\/data_sources\/([^/]+)$/, "/v1/data_sources/:id"],
  ["POST", /^\/v1\/data_sources\/([^/]+)\/query$/, "/v1/data_sources/:id/query"],
  ["POST", /^\/v1\/pages$/, "/v1/pages"],
  ["GET", /^\/v1\/pages\/([^/]+)$/, "/v1/pages/:id"],
  ["PATCH", /^\/v1\/pages\/([^/]+)$/, "/v1/pages/:id"],
];

const typeOf = (config: Record<string, unknown>) => Object.keys(config).find((k) => k !== "name" && k !== "description" && k !== "type");

function parseColumns(properties: unknown): [string, string, Record<string, unknown>][] {
  return Object.entries((properties ?? {}) as Record<string, Record<string, unknown>>).map(([name, config]) => {
    const type = typeOf(config ?? {});
    if (!type) throw validation(`body failed validation: body.properties.${name} should define a property type.`);
    return [name, type, (config[type] ?? {}) as Record<string, unknown>];
  });
}

export function createHandlers(state: FakeNotionState): Record<string, Handler> {
  return {
    "GET /v1/databases/:id": (id) => databaseJson(state.sharedDb(id)),
    "POST /v1/databases": (_, body) => {
      const parent = body.parent as { type?: string; page_id?: string } | undefined;
      if (parent?.type !== "page_id" || typeof parent.page_id !== "string") throw validation("body failed validation: body.parent.page_id should be defined.");
      if (!state.sharedPages.has(normalizeId(parent.page_id))) throw notFound("page", parent.page_id);
      const columns = parseColumns((body.initial_data_source as { properties?: unknown } | undefined)?.properties);
      const titles = columns.filter(([, type]) => type === "title").length;
      if (titles > 1) throw validation("Databases must have exactly one title property.");
      if (titles === 0) columns.unshift(["Name", "title", {}]);
      const title = ((body.title ?? []) as { text?: { content?: string } }[]).map((t) => t.text?.content ?? "").join("");
      return databaseJson(state.createDatabase(title, normalizeId(parent.page_id), columns));
    },
    "GET /v1/data_sources/:id": (id) => {
      const source = state.sharedSource(id);
      return dataSourceJson(source, state.databaseOf(source));
    },
    "PATCH /v1/data_sources/:id": (id, body) => {
      const source = state.sharedSource(id);
      const changes = Object.entries((body.properties ?? {}) as Record<string, Record<string, unknown> | null>);
      const apply: (() => void)[] = [];
      for (const [name, change] of changes) {
        const existing = columnByName(source, name);
        if (change === null) {
          if (!existing) throw validation(`${name} is not a property that exists.`);
          if (existing.type === "title") throw validation("Cannot delete the title property.");
          apply.push(() => source.columns.delete(existing.name));
          continue;
        }
        const type = typeOf(change);
        const config = (type ? (change[type] ?? {}) : {}) as Record<string, unknown>;
        const rename = typeof change.name === "string" ? change.name : undefined;
        if (!existing && !type) throw validation(`${name} is not a property that exists.`);
        // Notion retypes an existing column named with another type key; only the title stays a title.
        const retype = existing && type && existing.type !== type ? type : undefined;
        if (retype && existing?.type === "title") throw validation("Cannot change the type of the title property.");
        if (retype === "title") throw validation("Databases must have exactly one title property.");
        apply.push(() => {
          const column = existing ?? newColumn(name, type as string, config);
          if (retype) retypeColumn(source, column, retype);
          if (existing && type) column.config = config;
          source.columns.delete(column.name);
          column.name = rename ?? column.name;
          source.columns.set(column.name, column);
        });
      }
      for (const change of apply) change();
      return dataSourceJson(source, state.databaseOf(source));
    },
    "POST /v1/data_sources/:id/query": (id, body) => {
      const source = state.sharedSource(id);
      const { results, nextCursor } = runQuery(source, body);
      return {
        object: "list",
        results: results.map((p) => pageJson(p, source)),
        next_cursor: nextCursor,
        has_more: nextCursor !== null,
        type: "page_or_data_source",
        page_or_data_source: {},
      };
    },
    "POST /v1/pages": (_, body) => {
      const parent = (body.parent ?? {}) as { data_source_id?: string; database_id?: string };
      const source = parent.data_source_id
        ? state.sharedSource(parent.data_source_id)
        : parent.database_id
          ? state.sourceOf(state.sharedDb(parent.database_id).id)
          : undefined;
      if (!source) throw validation("body failed validation: body.parent.data_source_id should be defined.");
      return pageJson(state.addPage(source, body.properties), source);
    },
    "GET /v1/pages/:id": (id) => {
      const { page, source } = state.sharedPage(id);
      return pageJson(page, source);
    },
    "PATCH /v1/pages/:id": (id, body) => {
      const { page, source } = state.sharedPage(id);
      const trash = body.in_trash ?? body.archived;
      if (trash !== undefined && typeof trash !== "boolean") throw validation("body failed validation: body.in_trash should be a boolean.");
      if (page.inTrash && trash !== false && body.properties !== undefined) {
        throw validation("Can't edit block that is archived. You must unarchive the block before editing.");
      }
      if (trash !== undefined) page.inTrash = trash;
      writeCells(source, page, body.properties);
      return pageJson(page, source);
    },
  };
}
