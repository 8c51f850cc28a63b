import { resolve } from "node:path";
import type { PipelineLoader } from "./pipeline-cache.js";

/**
 * Production loader. The config and pipeline modules (yaml, zod, got, cheerio, the
 * destinations) are imported here, at the first event, so the entry file stays tiny.
 */
export function configFileLoader(env: Record<string, string | undefined>, root = process.cwd()): PipelineLoader {
  return async (options, { secrets, logger }) => {
    // One after the other: jest's ESM loader fails on two concurrent imports sharing modules.
    const { loadConfigFile } = await import("../config/load.js");
    const { buildPipeline } = await import("../build.js");
    const config = await loadConfigFile(resolve(root, options.configPath), env);
    // One redaction list: the handler's logger redacts what the config and the sources add to it.
    return buildPipeline(config, { logger, secrets });
  };
}
