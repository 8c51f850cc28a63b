import { resolve } from "node:path";
import type { Tuning } from "../build.js";
import type { PipelineLoader } from "./pipeline-cache.js";

export interface ConfigFileLoaderOptions {
  /** The directory `configPath` is relative to. @default process.cwd() */
  root?: string;
  /** Timing knobs the config doesn't carry; tests make retries fast. @default production values */
  tuning?: Tuning;
}

/**
 * Production loader. The config and pipeline modules (yaml, zod, got, cheerio, the
 * destinations) are imported here, at the first event, so the entry file stays tiny.
 */
export function configFileLoader(env: Record<string, string | undefined>, options: ConfigFileLoaderOptions = {}): PipelineLoader {
  return async (functionOptions, { secrets, logger }) => {
    const configPath = resolve(options.root ?? process.cwd(), functionOptions.configPath);
    // A parse worker boots on another core while the modules below load.
    await (await import("../sources/warm-parser.js")).warmParserFor(configPath);
    // One after the other: jest's ESM loader fails on two concurrent imports sharing modules.
    const { loadConfigFile } = await import("../config/load.js");
    const { buildPipeline } = await import("../build.js");
    const config = await loadConfigFile(configPath, env);
    // One redaction list: the handler's logger redacts what the config and the sources add to it.
    return buildPipeline(config, { logger, secrets, tuning: options.tuning });
  };
}
