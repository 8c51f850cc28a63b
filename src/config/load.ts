import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import { ConfigError } from "../errors.js";
import { Secrets } from "../log/secrets.js";
import { createSource } from "../sources/registry.js";
import { customSources } from "../custom-sources.js";
import { uniqueNameIssues } from "../unique-names.js";
import { destinationName, HISTORY_TYPES } from "../destinations/registry.js";
import { interpolateEnv } from "./interpolate.js";
import { DEFAULT_CONFIG_PATH, resolveConfigPath } from "./path.js";
import { describeIssue } from "./issues.js";
import { configSchema, type ConfigData } from "./schema.js";
import { collectSecrets } from "./secrets.js";

export interface Config extends ConfigData {
  /** Every credential the config holds, for redaction. */
  secrets: Secrets;
}

export type Env = Record<string, string | undefined>;

export { DEFAULT_CONFIG_PATH, resolveConfigPath };

/** Parses, interpolates `${ENV}` and validates a config, naming every problem at once. */
export function loadConfig(text: string, env: Env, fileName = DEFAULT_CONFIG_PATH): Config {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length) {
    throw new ConfigError(document.errors.map((e) => `${fileName}:${e.linePos?.[0].line ?? "?"}:${e.linePos?.[0].col ?? "?"}: ${e.message.split("\n")[0]}`));
  }
  const raw: unknown = document.toJS();
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ConfigError([`${fileName}: expected a map with sources and destinations`]);
  const { value, issues, secretValues } = interpolateEnv(raw, env);
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    issues.push(...parsed.error.issues.map((issue) => describeIssue(issue, value)));
    throw new ConfigError(issues);
  }
  if (issues.length) throw new ConfigError(issues);
  const config = parsed.data;
  const secrets = collectSecrets(config).add(...secretValues);
  const problems = crossCheck(config);
  if (problems.length) throw new ConfigError(problems.map((p) => secrets.redact(p)));
  return { ...config, secrets };
}

export async function loadConfigFile(path: string, env: Env): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([
      code === "ENOENT" ? `${path}: file not found; create it (see README "Configuration") or pass --config FILE` : `${path}: cannot read (${code ?? String(error)})`,
    ]);
  }
  return loadConfig(text, env, path);
}

/** What the schema can't see: names that must be unique, and references between parts. */
function crossCheck(config: ConfigData): string[] {
  const configSources = config.sources.map((options) => createSource(options));
  const where = (i: number) => (i < configSources.length ? `sources[${i}]` : `customSources[${i - configSources.length}] (src/custom-sources.ts)`);
  const sources = [...configSources, ...customSources];
  const problems = uniqueNameIssues(sources, config.destinations.map(destinationName), where);
  const metrics = sources.flatMap((source) => source.metricNames ?? []);
  if (config.northStar && !metrics.includes(config.northStar)) {
    problems.push(`northStar: "${config.northStar}" is not a metric of any source; use one of ${metrics.join(", ")}`);
  }
  const checkHistory = (where: string, name: string | undefined) => {
    if (name === undefined) return;
    const target = config.destinations.find((d) => destinationName(d) === name);
    if (!target) problems.push(`${where}: no destination named "${name}"`);
    else if (!HISTORY_TYPES.includes(target.type)) problems.push(`${where}: destination "${name}" is a ${target.type} destination; use a ${HISTORY_TYPES.join(" or ")} destination`);
  };
  checkHistory("history", config.history);
  config.destinations.forEach((d, i) => checkHistory(`destinations[${i}].history`, "history" in d ? d.history : undefined));
  return problems;
}
