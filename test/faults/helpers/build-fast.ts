import { buildPipeline, type Tuning as BuildTuning } from "../../../src/build.js";
import type { Config } from "../../../src/config/load.js";
import type { DiscordDeps } from "../../../src/destinations/discord/destination.js";
import type { NotionDeps } from "../../../src/destinations/notion/store.js";
import type { RetryPolicy } from "../../../src/http/retry.js";
import type { Logger } from "../../../src/log/logger.js";
import type { Pipeline } from "../../../src/pipeline.js";

/** The timing knobs the plugins take in code; `buildPipeline` leaves them at production values. */
export interface Tuning {
  http?: Partial<RetryPolicy>;
  notion?: Omit<NotionDeps, "secrets" | "logger">;
  discord?: Omit<DiscordDeps, "secrets" | "logger" | "history">;
}

/** Tiny backoffs and no request pacing; every `Retry-After` is still honoured as sent. */
export const FAST: Required<Tuning> = {
  http: { backoffMs: 1, maxBackoffMs: 5 },
  notion: { minIntervalMs: 0, backoffMs: 1, maxBackoffMs: 5, timeoutMs: 10_000 },
  discord: { backoffMs: 1, maxBackoffMs: 5, timeoutMs: 10_000 },
};

/** The real `buildPipeline`, with `tuning` handed to each plugin: only faster. */
export function buildFastPipeline(config: Config, deps: { logger: Logger; now?: () => Date; tuning?: Tuning }): Promise<Pipeline> {
  const tuning = { ...FAST, ...deps.tuning };
  const build: BuildTuning = { http: tuning.http, destinations: { notion: { ...tuning.notion }, discord: { ...tuning.discord } } };
  return buildPipeline(config, { logger: deps.logger, now: deps.now, tuning: build });
}
