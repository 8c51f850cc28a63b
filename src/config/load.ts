import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import { ConfigError } from "../errors.js";
import { type Secrets } from "../log/secrets.js";
import { crossCheck } from "./cross-check.js";
import { interpolateEnv } from "./interpolate.js";
import { DEFAULT_CONFIG_PATH, resolveConfigPath } from "./path.js";
import { describeIssue, isUnder } from "./issues.js";
import { destinationsToLeaveOut, type LeftOutDestination } from "./leave-out.js";
import { protoKeyIssues } from "./proto-keys.js";
import { configSchema, type ConfigData } from "./schema.js";
import { placeholderIssues } from "./placeholders.js";
import { collectSecrets } from "./secrets.js";
import { loadSelectorEngine } from "../sources/option-checks.js";
import { mayHoldSelector } from "../sources/warm-parser.js";
import { describeYamlError } from "./yaml-error.js";

export type { LeftOutDestination };

export interface Config extends ConfigData {
  /** Every credential the config holds, for redaction. */
  secrets: Secrets;
  /** Destinations a dry run left out (see `LoadOptions.leaveOut`). */
  leftOut?: LeftOutDestination[];
}

export type Env = Record<string, string | undefined>;

export { DEFAULT_CONFIG_PATH, resolveConfigPath };

export interface LoadOptions {
  /**
   * For a dry run: destinations of the types this accepts whose `${VAR}`s are unset are left out
   * (listed in `Config.leftOut`) instead of failing the config. @default none
   */
  leaveOut?: (type: string) => boolean;
  /** Accept the starter config's placeholder Notion database id (for `notion init`, which replaces it). @default false */
  allowPlaceholders?: boolean;
}

/** Parses, interpolates `${ENV}` and validates a config, naming every problem at once. */
export function loadConfig(text: string, env: Env, fileName = DEFAULT_CONFIG_PATH, options: LoadOptions = {}): Config {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length) {
    throw new ConfigError([describeYamlError(document.errors[0]!, text, fileName)]);
  }
  const raw: unknown = document.toJS();
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ConfigError([`${fileName}: expected a map with sources and destinations`]);
  const { value, issues: envIssues, secretValues } = interpolateEnv(raw, env);
  const tree = value as Record<string, unknown>;
  const leftOut = options.leaveOut ? destinationsToLeaveOut(tree, envIssues, options.leaveOut) : [];
  const leftOutPaths = leftOut.map((d) => ["destinations", d.index]);
  const parsed = configSchema.safeParse(tree);
  // A field whose variable is unset already has its problem named; the schema's complaint about the blank is noise.
  const schemaIssues = parsed.success ? [] : parsed.error.issues.filter((issue) => !envIssues.some((e) => isUnder(issue.path, e.path)));
  const problems = [
    ...envIssues.filter((issue) => !leftOutPaths.some((path) => isUnder(issue.path, path))).map((issue) => issue.message),
    ...protoKeyIssues(tree),
    // One bullet a problem: an issue naming several keys is several problems.
    ...schemaIssues.flatMap((issue) => describeIssue(issue, tree).split("\n")),
    ...crossCheck(tree, new Set(leftOut.map((d) => d.name))),
    ...(options.allowPlaceholders ? [] : placeholderIssues(tree, new Set(leftOut.map((d) => d.index)))),
  ];
  const secrets = collectSecrets(tree).add(...secretValues);
  if (problems.length) throw new ConfigError(problems.map((p) => secrets.redact(p)));
  const config = leftOut.length ? configSchema.parse(withoutLeftOut(tree, leftOut)) : (parsed.data as ConfigData);
  return { ...config, secrets, leftOut };
}

/** The tree without the left-out destinations; with none left, the default (console) applies. */
function withoutLeftOut(tree: Record<string, unknown>, leftOut: readonly LeftOutDestination[]): Record<string, unknown> {
  const kept = (tree.destinations as unknown[]).filter((_, i) => !leftOut.some((d) => d.index === i));
  const { destinations: _, ...rest } = tree;
  return kept.length ? { ...rest, destinations: kept } : rest;
}

export async function loadConfigFile(path: string, env: Env, options: LoadOptions = {}): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([
      code === "ENOENT"
        ? `${path}: file not found; create it (see docs/configuration.md) or pass --config FILE`
        : `${path}: cannot read (${code ?? String(error)})`,
    ]);
  }
  // Selectors are checked with cheerio, loaded here the cheap way when the text may hold one;
  // without, the check would require() it.
  if (mayHoldSelector(text)) await loadSelectorEngine();
  return loadConfig(text, env, path, options);
}
