import type { z } from "zod";
import { loadConfig, type Config, type Env } from "./load.js";
import type { configSchema } from "./schema.js";

/** A config as written (YAML or TypeScript), before defaults: what `kpi.config.yaml` holds. */
export type ConfigInput = z.input<typeof configSchema>;

/** Types a config written in TypeScript; it returns `config` unchanged. Pass it to `configFromObject`. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}

/**
 * Validates a config object as `loadConfig` validates the YAML: `${VAR}` strings are read from
 * `env`, defaults applied, and every problem named by its path in one `ConfigError`.
 */
export function configFromObject(config: ConfigInput, env: Env, name = "config"): Config {
  // JSON is YAML: one validation path, so both forms fail with the same messages.
  return loadConfig(JSON.stringify(config), env, name);
}
