import { parseNotionId } from "../destinations/notion/database-id.js";
import { formatPath } from "./issues.js";

/**
 * The database id the starter kpi.config.yaml ships with. A config still holding it would fail at
 * the first run with Notion's 404; terraform/function.tf's precondition refuses it too.
 */
export const PLACEHOLDER_DATABASE_ID = "0123456789abcdef0123456789abcdef";

/** Notion destinations still pointing at the starter's placeholder database, skipping those in `skip`. */
export function placeholderIssues(tree: Record<string, unknown>, skip: ReadonlySet<number> = new Set()): string[] {
  const list = Array.isArray(tree.destinations) ? (tree.destinations as unknown[]) : [];
  const placeholder = parseNotionId(PLACEHOLDER_DATABASE_ID);
  return list.flatMap((entry, index) => {
    const { type, database } = (entry ?? {}) as { type?: unknown; database?: unknown };
    if (skip.has(index) || type !== "notion" || typeof database !== "string" || parseNotionId(database) !== placeholder) return [];
    return [
      `${formatPath(["destinations", index, "database"])}: still the starter config's placeholder id; run "kpi-collector notion init --parent PAGE" and put the id it prints here (or paste your database's URL)`,
    ];
  });
}
