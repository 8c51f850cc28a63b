import type { RunResult } from "./pipeline.js";
import type { LogFields, Logger } from "./log/logger.js";

export interface RunSummary {
  /** ERROR when a destination failed, WARNING when only sources did. */
  level: "error" | "warn" | "info";
  message: string;
  fields: LogFields & {
    date: string;
    metricsCollected: number;
    sourcesFailed: string[];
    /** Derived metrics computed; present when the config has any. */
    derivedComputed?: number;
    /** Derived metrics that could not be computed; present when the config has any. */
    derivedMissing?: string[];
    /** Derived metrics whose history does not reach back far enough yet (not failures); present when there are any. */
    derivedPending?: string[];
    destinationsWritten: string[];
    destinationsFailed: string[];
  };
}

/** Logs the summary at its level: the CLI and the function end every run with this line. */
export function logRunSummary(logger: Logger, summary: RunSummary): void {
  logger[summary.level](summary.message, summary.fields);
}

/** The one line a run ends with: metrics collected, sources failed, destinations written. */
export function summarizeRun(result: RunResult, durationMs: number): RunSummary {
  const { snapshot } = result;
  const derivedComputed = snapshot.derived?.length ?? 0;
  const metricsCollected = Object.keys(snapshot.metrics).length - derivedComputed;
  const sourcesFailed = snapshot.failures.filter((f) => !f.derived).map((f) => f.source);
  const derivedMissing = snapshot.failures.filter((f) => f.derived).flatMap((f) => f.metrics ?? []);
  const derivedPending = snapshot.derivedPending ?? [];
  const derivedNotes = [
    ...(derivedMissing.length ? [`missing: ${derivedMissing.join(", ")}`] : []),
    ...(derivedPending.length ? [`waiting for history: ${derivedPending.join(", ")}`] : []),
  ];
  const destinationsWritten = result.destinations.filter((d) => d.ok).map((d) => d.destination);
  const destinationsFailed = result.destinations.filter((d) => !d.ok).map((d) => d.destination);
  const parts = [
    `${metricsCollected} metric${metricsCollected === 1 ? "" : "s"} collected`,
    `${sourcesFailed.length} source${sourcesFailed.length === 1 ? "" : "s"} failed${sourcesFailed.length ? ` (${sourcesFailed.join(", ")})` : ""}`,
    ...(snapshot.derived
      ? [
          `${derivedComputed} of ${derivedComputed + derivedMissing.length + derivedPending.length} derived metrics computed${derivedNotes.length ? ` (${derivedNotes.join("; ")})` : ""}`,
        ]
      : []),
    `${destinationsWritten.length}/${result.destinations.length} destinations written${destinationsFailed.length ? ` (failed: ${destinationsFailed.join(", ")})` : ""}`,
  ];
  return {
    level: !result.ok ? "error" : sourcesFailed.length || derivedMissing.length ? "warn" : "info",
    message: `${snapshot.job} ${snapshot.date} done: ${parts.join(", ")}`,
    fields: {
      job: snapshot.job,
      date: snapshot.date,
      durationMs,
      metricsCollected,
      sourcesFailed,
      ...(snapshot.derived ? { derivedComputed, derivedMissing } : {}),
      ...(derivedPending.length ? { derivedPending } : {}),
      destinationsWritten,
      destinationsFailed,
    },
  };
}
