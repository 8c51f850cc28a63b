import { resolveConfigPath } from "../config/path.js";
import { ConfigError } from "../errors.js";

/** How the Cloud Function runs; read from the environment once per cold start. */
export interface FunctionOptions {
  /**
   * The config file, relative to the function's root (the working directory).
   * Env `KPI_CONFIG`.
   * @default "kpi.config.yaml"
   */
  configPath: string;
  /**
   * Events older than this are acknowledged with a warning instead of run, so a
   * failing destination is not retried for Pub/Sub's full 24 hours.
   * Env `KPI_MAX_EVENT_AGE`: a duration such as `6h`, `90m`, `30s`; a bare number is seconds.
   * @default 21600000 (6 h)
   */
  maxEventAgeMs: number;
}

export const DEFAULT_MAX_EVENT_AGE_MS = 6 * 60 * 60 * 1000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Each option: env, then its default, then a check that throws `ConfigError` naming the variable. */
export function parseFunctionOptions(env: Record<string, string | undefined>): FunctionOptions {
  const issues: string[] = [];
  const configPath = resolveConfigPath(undefined, env);
  let maxEventAgeMs = DEFAULT_MAX_EVENT_AGE_MS;
  const rawAge = env.KPI_MAX_EVENT_AGE?.trim();
  if (rawAge) {
    const parsed = parseDuration(rawAge);
    if (parsed === undefined) issues.push(`KPI_MAX_EVENT_AGE: "${rawAge}" is not a duration; use e.g. 6h, 90m or 30s`);
    else maxEventAgeMs = parsed;
  }
  if (issues.length) throw new ConfigError(issues);
  return { configPath, maxEventAgeMs };
}

/** `6h`, `90m`, `30s`, `500ms`, `1d`, or a bare number of seconds; undefined when not positive or not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? "s"]!;
  return ms > 0 ? Math.round(ms) : undefined;
}
