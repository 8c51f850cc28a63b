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
    // The handler's logger redacts through `secrets`; the config found the values.
    secrets.add(...config.secrets.list());
    return buildPipeline(config, { logger });
  };
}
