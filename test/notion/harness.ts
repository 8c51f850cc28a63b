import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import { createNotionDestination, type NotionDeps, type NotionOptions } from "../../src/destinations/notion/index.js";
import type { Metrics, Snapshot } from "../../src/types.js";
import { startFakeNotion, type FakeNotion, type FakeNotionOptions } from "../fakes/notion-server.js";

/** Fast knobs: no pacing, tiny backoffs; `Retry-After` is still honoured as sent. */
export const FAST = { minIntervalMs: 0, backoffMs: 5, maxBackoffMs: 20, timeoutMs: 10_000 } as const;

export interface Harness {
  fake: FakeNotion;
  store: ReturnType<typeof createNotionDestination>;
  secrets: Secrets;
  logs: LogRecord[];
  /** Every log line, serialised, for "the token never appears" checks. */
  logText(): string;
  close(): Promise<void>;
}

export async function setup(fakeOptions: FakeNotionOptions = {}, options: Partial<NotionOptions> = {}, deps: Partial<NotionDeps> = {}): Promise<Harness> {
  const fake = await startFakeNotion(fakeOptions);
  const secrets = new Secrets();
  const logs: LogRecord[] = [];
  const logger = createLogger({ secrets, sink: (record) => logs.push(record), minSeverity: "DEBUG" });
  const store = createNotionDestination(
    { type: "notion", token: fake.token, database: fake.databaseId, baseUrl: fake.url, ...options },
    { secrets, logger, ...FAST, ...deps },
  );
  return { fake, store, secrets, logs, logText: () => logs.map((l) => JSON.stringify(l)).join("\n"), close: () => fake.close() };
}

export function snapshot(date: string, metrics: Metrics, failures: Snapshot["failures"] = [], job: Snapshot["job"] = "daily"): Snapshot {
  return { date, job, metrics, failures };
}

/** A destination run as the pipeline does it: `write` starts a run. */
export function context(harness: Harness) {
  return { logger: createLogger({ secrets: harness.secrets, sink: (r) => harness.logs.push(r) }), secrets: harness.secrets, now: () => new Date() };
}
