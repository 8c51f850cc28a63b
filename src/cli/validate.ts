import { configJsonSchema } from "../config/schema.js";
import { weakSecretWarnings } from "../config/secrets.js";
import { loadCliConfig, type CliIo } from "./context.js";

/** `kpi-collector validate`: the config and every variable it needs. Problems surface as a ConfigError. */
export async function validateCommand(args: { config?: string }, io: CliIo): Promise<number> {
  const { config, path } = await loadCliConfig(args.config, io);
  for (const warning of weakSecretWarnings(config)) io.stderr.write(`warning: ${warning}\n`);
  const derived = Object.keys(config.derived ?? {}).length;
  io.stdout.write(
    `${path} is valid: ${config.sources.length} source(s), ${config.destinations.length} destination(s), ${derived ? `${derived} derived metric(s), ` : ""}time zone ${config.timezone}.\n`,
  );
  return 0;
}

export function schemaCommand(io: CliIo): number {
  io.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + "\n");
  return 0;
}
