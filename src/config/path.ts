/** Where the config lives when nothing says otherwise. Kept apart from the loader: the function's cold start reads it without loading yaml or zod. */
export const DEFAULT_CONFIG_PATH = "kpi.config.yaml";

/** `--config`, then `KPI_CONFIG`, then `kpi.config.yaml`; a blank value counts as unset. */
export function resolveConfigPath(cliPath: string | undefined, env: Record<string, string | undefined>): string {
  return cliPath?.trim() || env.KPI_CONFIG?.trim() || DEFAULT_CONFIG_PATH;
}
