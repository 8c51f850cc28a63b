import type { Config } from "./config/load.js";
import { createDestination, destinationName, HISTORY_TYPES, type DestinationOptions } from "./destinations/registry.js";
import type { RetryPolicy } from "./http/retry.js";
import { createHttpClient } from "./http/client.js";
import type { Logger } from "./log/logger.js";
import type { Secrets } from "./log/secrets.js";
import { Pipeline, type ProgressEvent } from "./pipeline.js";
import { createSource } from "./sources/registry.js";
import { customSources } from "./custom-sources.js";
import { compileDerived } from "./derived/program.js";
import { isHistoryStore, type Destination, type Source } from "./types.js";

export interface BuildDeps {
  logger: Logger;
  /**
   * The redaction list the caller's logger uses. The config's secrets are added to it, and sources
   * add theirs (session cookies) during the run, so one list serves every line. @default the config's
   */
  secrets?: Secrets;
  now?: () => Date;
  onProgress?: (event: ProgressEvent) => void;
  /** Where the console destination prints. */
  write?: (text: string) => void;
  /** Sources written in TypeScript, run next to the config's. @default `customSources` of src/custom-sources.ts */
  customSources?: readonly Source[];
  /** Timing knobs that the config doesn't carry (tests and benchmarks make retries fast). */
  tuning?: Tuning;
}

export interface Tuning {
  /** Source retries. */
  http?: Partial<RetryPolicy>;
  /** Extra dependencies for each destination type, e.g. `{ notion: { minIntervalMs: 0 } }`. */
  destinations?: Partial<Record<DestinationOptions["type"], Record<string, unknown>>>;
}

/** Turns a validated config into a ready pipeline: the one place the registries are used. */
export async function buildPipeline(config: Config, deps: BuildDeps): Promise<Pipeline> {
  const secrets = deps.secrets ? deps.secrets.add(...config.secrets.list()) : config.secrets;
  const byName = new Map<string, Destination>();
  // Stores first, so a destination that names its own `history` store can be handed it.
  // One after the other: two concurrent dynamic imports sharing modules trip jest's ESM loader.
  const ordered = [...config.destinations].sort((a, b) => Number(HISTORY_TYPES.includes(b.type)) - Number(HISTORY_TYPES.includes(a.type)));
  for (const options of ordered) {
    const named = "history" in options && options.history ? byName.get(options.history) : undefined;
    const store = isHistoryStore(named) ? named : undefined;
    byName.set(
      destinationName(options),
      await createDestination(options, { ...deps.tuning?.destinations?.[options.type], secrets, logger: deps.logger, write: deps.write, history: store }),
    );
  }
  const destinations = config.destinations.map((options) => byName.get(destinationName(options)) as Destination);
  // Without `history`, Pipeline takes the first store among the destinations.
  const history = config.history ? byName.get(config.history) : undefined;
  return new Pipeline({
    sources: [...config.sources.map((options) => createSource(options)), ...(deps.customSources ?? customSources)],
    destinations,
    concurrency: config.concurrency,
    sourceTimeoutMs: config.sourceTimeoutMs,
    timezone: config.timezone,
    northStar: config.northStar,
    northStarAggregate: config.northStarAggregate,
    derived: config.derived ? compileDerived(config.derived) : undefined,
    history: isHistoryStore(history) ? history : undefined,
    // No per-attempt timeout here: Pipeline gives each request what is left of its source's limit.
    http: createHttpClient({ maxResponseBytes: config.maxResponseBytes, retry: deps.tuning?.http }),
    logger: deps.logger,
    secrets,
    now: deps.now,
    onProgress: deps.onProgress,
  });
}
