import type { Config } from "../../../src/config/load.js";
import { createDestination, destinationName, HISTORY_TYPES, type DestinationDeps } from "../../../src/destinations/registry.js";
import type { DiscordDeps } from "../../../src/destinations/discord/destination.js";
import type { NotionDeps } from "../../../src/destinations/notion/store.js";
import { createHttpClient } from "../../../src/http/client.js";
import type { RetryOptions } from "../../../src/http/retry.js";
import type { Logger } from "../../../src/log/logger.js";
import { Pipeline } from "../../../src/pipeline.js";
import { createSource } from "../../../src/sources/registry.js";
import { isHistoryStore, type Destination, type HistoryStore } from "../../../src/types.js";

/** The timing knobs the plugins take in code; `buildPipeline` leaves them at production values. */
export interface Tuning {
  http?: Partial<RetryOptions>;
  notion?: Omit<NotionDeps, "secrets" | "logger">;
  discord?: Omit<DiscordDeps, "secrets" | "logger" | "history">;
}

/** Tiny backoffs and no request pacing; every `Retry-After` is still honoured as sent. */
export const FAST: Required<Tuning> = {
  http: { backoffMs: 1, maxBackoffMs: 5 },
  notion: { minIntervalMs: 0, backoffMs: 1, maxBackoffMs: 5, timeoutMs: 2000 },
  discord: { backoffMs: 1, maxBackoffMs: 5, timeoutMs: 2000 },
};

/**
 * `buildPipeline` (src/build.ts) step for step, with `tuning` handed to each plugin:
 * the real registries, sources, destinations and `Pipeline`, only faster.
 */
export async function buildFastPipeline(config: Config, deps: { logger: Logger; now?: () => Date; tuning?: Tuning }): Promise<Pipeline> {
  const tuning = { ...FAST, ...deps.tuning };
  const secrets = config.secrets;
  const destinations: Destination[] = [];
  for (const options of config.destinations) {
    const extra = options.type === "notion" ? tuning.notion : options.type === "discord" ? tuning.discord : {};
    // The registry hands its deps object on to the factory whole, so the knobs reach the plugin.
    const pluginDeps: DestinationDeps = { secrets, logger: deps.logger, ...extra };
    destinations.push(await createDestination(options, pluginDeps));
  }
  const historyName = config.history ?? config.destinations.map(destinationName).find((_, i) => HISTORY_TYPES.includes(config.destinations[i]?.type ?? ""));
  const history = destinations.find((d) => d.name === historyName);
  return new Pipeline({
    sources: config.sources.map((options) => createSource(options)),
    destinations,
    concurrency: config.concurrency,
    sourceTimeoutMs: config.sourceTimeoutMs,
    timezone: config.timezone,
    northStar: config.northStar,
    history: isHistoryStore(history) ? (history as HistoryStore) : undefined,
    http: createHttpClient({ timeoutMs: config.sourceTimeoutMs, maxResponseBytes: config.maxResponseBytes, retry: tuning.http }),
    logger: deps.logger,
    secrets,
    now: deps.now,
  });
}
