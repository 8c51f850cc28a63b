import { readFileSync } from "node:fs";
import { expect } from "@jest/globals";
import { createHttpClient } from "../../src/http/client.js";
import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import type { Metrics, Source, SourceContext } from "../../src/types.js";

export interface TestContext extends SourceContext {
  /** Every line the source logged. */
  logs: LogRecord[];
}

/** A real HTTP client with tiny backoffs; Retry-After is still honoured as sent. The run is on `date` in `timezone`. */
export function sourceContext(date = "2024-05-15", timezone = "UTC"): TestContext {
  const secrets = new Secrets();
  const logs: LogRecord[] = [];
  return {
    http: createHttpClient({ retry: { backoffMs: 1, maxBackoffMs: 5 } }),
    signal: new AbortController().signal,
    logger: createLogger({ secrets, sink: (record) => logs.push(record) }),
    secrets,
    logs,
    date,
    timezone,
  };
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
}

/** Runs `source` expecting a failure; returns its message after checking no secret leaks into it. */
export async function failureOf(source: Source, context: TestContext, secrets: string[] = []): Promise<string> {
  let metrics: Metrics | undefined;
  try {
    metrics = await source.collect(context);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    for (const secret of secrets) expect(message).not.toContain(secret);
    for (const record of context.logs) for (const secret of secrets) expect(JSON.stringify(record)).not.toContain(secret);
    return message;
  }
  throw new Error(`expected a failure, got ${JSON.stringify(metrics)}`);
}
