import type { HttpClient } from "./http/client.js";
import type { Logger } from "./log/logger.js";
import type { Secrets } from "./log/secrets.js";
import type { Metrics, Source } from "./types.js";

export interface CollectSourceDeps {
  http: HttpClient;
  /** The whole source's limit: login, every request and its retries. */
  timeoutMs: number;
  logger: Logger;
  secrets: Secrets;
  /** The run date and its time zone, passed on to the source. */
  date: string;
  timezone: string;
}

/** Runs one source within its time limit and checks that every value is a finite number. */
export async function collectSource(source: Source, deps: CollectSourceDeps): Promise<Metrics> {
  const { timeoutMs } = deps;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const deadline = Date.now() + timeoutMs;
  // Each request may take what is left of this source's limit; the client splits it among retries.
  const http: HttpClient = { request: (request) => deps.http.request({ ...request, timeoutMs: request.timeoutMs ?? Math.max(1, deadline - Date.now()) }) };
  try {
    const context = {
      http,
      signal: controller.signal,
      logger: deps.logger.child({ source: source.name }),
      secrets: deps.secrets,
      date: deps.date,
      timezone: deps.timezone,
    };
    const values = await Promise.race([source.collect(context), timeout]);
    return checkMetrics(values);
  } finally {
    clearTimeout(timer);
  }
}

function checkMetrics(values: unknown): Metrics {
  if (!values || typeof values !== "object") throw new Error("collect() returned no metrics object");
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`metric ${name} is not a finite number (${String(value)})`);
  }
  return values as Metrics;
}
