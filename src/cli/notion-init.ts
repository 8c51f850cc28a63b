import { ConfigError, UsageError, errorMessage } from "../errors.js";
import { Secrets } from "../log/secrets.js";
import { createSource } from "../sources/registry.js";
import { loadConfigFile, resolveConfigPath, type Config } from "../config/load.js";
import { NOTION_TYPE } from "../destinations/notion/options.js";
import type { CliIo } from "./context.js";
import { printable, printableLine } from "../printable.js";

/**
 * `kpi-collector notion init --parent PAGE`: creates the history database. The token comes from
 * NOTION_TOKEN; the metric columns from the config when it loads (the first run adds any missing ones),
 * and the API origin from its notion destination's `baseUrl`.
 */
export async function notionInitCommand(args: { config?: string; parent?: string; title?: string }, io: CliIo): Promise<number> {
  if (!args.parent) throw new UsageError("--parent: required; the id or URL of a Notion page shared with your integration");
  const token = io.env.NOTION_TOKEN;
  if (!token)
    throw new ConfigError([
      "NOTION_TOKEN: environment variable is not set; create an integration at https://www.notion.so/profile/integrations and export its token",
    ]);
  const secrets = (io.secrets ?? new Secrets()).add(token);
  let metrics: string[] = [];
  let baseUrl: string | undefined;
  try {
    // The sources give the columns, and a notion destination its baseUrl; destinations whose variables are
    // unset (the webhook, say) are left out, and the placeholder database id is what this replaces.
    const config = await loadConfigFile(resolveConfigPath(args.config, io.env), io.env, { leaveOut: () => true, allowPlaceholders: true });
    metrics = config.sources.flatMap((s) => [...(createSource(s).metricNames ?? [])]);
    baseUrl = notionBaseUrl(config);
  } catch (error) {
    io.stderr.write(
      `note: the config did not load (${printableLine(errorMessage(error).split("\n")[0] ?? "")}); creating the database without metric columns. The first run adds them.\n`,
    );
  }
  const { notionInit } = await import("../destinations/notion/index.js");
  const result = await notionInit({ token, parent: args.parent, metrics, title: args.title, baseUrl }, { secrets });
  io.stdout.write(
    printable(`Created the Notion database ${result.databaseId}${result.url ? ` (${result.url})` : ""} with ${metrics.length} metric columns.\n`),
  );
  io.stdout.write(`Put it in kpi.config.yaml:\n\n  destinations:\n    - type: notion\n      token: \${NOTION_TOKEN}\n      database: ${result.databaseId}\n`);
  return 0;
}

/** The API origin of the config's notion destination, left out of the load or not. */
function notionBaseUrl(config: Config): string | undefined {
  const entries: { type: string; baseUrl?: unknown }[] = [
    ...config.destinations,
    ...(config.leftOut ?? []).map((d) => d.entry as { type: string; baseUrl?: unknown }),
  ];
  const baseUrl = entries.find((d) => d.type === NOTION_TYPE && typeof d.baseUrl === "string")?.baseUrl;
  return typeof baseUrl === "string" ? baseUrl : undefined;
}
