import type { RunResult } from "./pipeline.js";
import type { LogFields } from "./log/logger.js";

export interface RunSummary {
  message: string;
  fields: LogFields & {
    date: string;
    metricsCollected: number;
    sourcesFailed: string[];
    destinationsWritten: string[];
    destinationsFailed: string[];
  };
}

/** The one line a run ends with: metrics collected, sources failed, destinations written. */
export function summarizeRun(result: RunResult, durationMs: number): RunSummary {
  const { snapshot } = result;
  const metricsCollected = Object.keys(snapshot.metrics).length;
  const sourcesFailed = snapshot.failures.map((f) => f.source);
  const destinationsWritten = result.destinations.filter((d) => d.ok).map((d) => d.destination);
  const destinationsFailed = result.destinations.filter((d) => !d.ok).map((d) => d.destination);
  const parts = [
    `${metricsCollected} metric${metricsCollected === 1 ? "" : "s"} collected`,
    `${sourcesFailed.length} source${sourcesFailed.length === 1 ? "" : "s"} failed${sourcesFailed.length ? ` (${sourcesFailed.join(", ")})` : ""}`,
    `${destinationsWritten.length}/${result.destinations.length} destinations written${destinationsFailed.length ? ` (failed: ${destinationsFailed.join(", ")})` : ""}`,
  ];
  return {
    message: `${snapshot.job} ${snapshot.date} done: ${parts.join(", ")}`,
    fields: { job: snapshot.job, date: snapshot.date, durationMs, metricsCollected, sourcesFailed, destinationsWritten, destinationsFailed },
  };
}
