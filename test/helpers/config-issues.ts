import { loadConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";

/** The problems `loadConfig` lists for `yaml`; fails the test when the config loads. */
export function configIssues(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfig(yaml, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
