import { pubsubEvent as cloudEvent } from "../helpers/cloud-event.js";
import { describe, expect, it } from "@jest/globals";
import { ConfigError } from "../../src/errors.js";
import { createHandler, type HandlerDeps } from "../../src/function/handler.js";
import { RetryableEventError } from "../../src/errors.js";
import type { FunctionOptions } from "../../src/function/options.js";
import type { PipelineLoader, RunnablePipeline } from "../../src/function/pipeline-cache.js";
import type { LogRecord, Logger } from "../../src/log/logger.js";
import type { ProcessOptions, RunResult } from "../../src/pipeline.js";
import type { Job } from "../../src/types.js";

const NOW = new Date("2024-05-06T07:00:00Z");
const OPTIONS: FunctionOptions = { configPath: "kpi.config.yaml", maxEventAgeMs: 6 * 3_600_000 };
const TOKEN = "secret_notion_token_123";
const WEBHOOK = "https://discord.com/api/webhooks/1/hook-token-abc";

const pubsubEvent = (payload: unknown, options: { attributes?: Record<string, string>; time?: string; id?: string } = {}) =>
  cloudEvent(payload, { id: options.id ?? "evt-1", time: options.time ?? "2024-05-06T06:59:00Z", attributes: options.attributes });

function result(job: Job, overrides: Partial<RunResult> = {}): RunResult {
  return {
    snapshot: { date: "2024-05-06", job, metrics: { mrr: 1200, users: 42 }, failures: [] },
    destinations: [{ destination: "notion", ok: true, durationMs: 5 }],
    ok: true,
    ...overrides,
  };
}

/** A handler with a fake pipeline; records every log line and every `process` call. */
function harness(run: (job: Job, options?: ProcessOptions) => Promise<RunResult> = async (job) => result(job), deps: Partial<HandlerDeps> = {}) {
  const records: LogRecord[] = [];
  const calls: { job: Job; options?: ProcessOptions }[] = [];
  let loads = 0;
  const pipeline: RunnablePipeline = {
    process: (job, options) => {
      calls.push({ job, options });
      return run(job, options);
    },
  };
  const loadPipeline: PipelineLoader = async (_options, { secrets, logger }) => {
    loads++;
    secrets.add(TOKEN).addUrl(WEBHOOK);
    logger.debug("loaded");
    return pipeline;
  };
  const handler = createHandler({ readOptions: () => OPTIONS, loadPipeline, sink: (r) => records.push(r), now: () => NOW, ...deps });
  return { handler, records, calls, loads: () => loads };
}

describe("the Pub/Sub handler", () => {
  it("runs the decoded job with its date and sources, and ends with one summary line", async () => {
    const h = harness(async (job) =>
      result(job, { snapshot: { date: "2024-05-01", job, metrics: { a: 1, b: 2, c: 3 }, failures: [{ source: "stripe", error: "HTTP 503" }] } }),
    );
    await h.handler(pubsubEvent({ job: "daily", date: "2024-05-01", only: ["stripe", "site"] }, { id: "m-42" }));
    expect(h.calls).toEqual([{ job: "daily", options: { date: "2024-05-01", only: ["stripe", "site"] } }]);
    const summary = h.records.filter((r) => r.metricsCollected !== undefined);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({
      severity: "WARNING",
      message: "daily 2024-05-01 done: 3 metrics collected, 1 source failed (stripe), 1/1 destinations written",
      job: "daily",
      eventId: "m-42",
      metricsCollected: 3,
      sourcesFailed: ["stripe"],
      destinationsWritten: ["notion"],
      destinationsFailed: [],
    });
    expect(typeof summary[0]!.durationMs).toBe("number");
    expect(h.records.at(-1)).toBe(summary[0]);
  });

  it("logs a clean run's summary at INFO", async () => {
    const h = harness();
    await h.handler(pubsubEvent({}, { attributes: { job: "weekly-report" } }));
    expect(h.calls[0]!.job).toBe("weekly-report");
    expect(h.records.at(-1)).toMatchObject({
      severity: "INFO",
      message: "weekly-report 2024-05-06 done: 2 metrics collected, 0 sources failed, 1/1 destinations written",
    });
  });

  it.each([
    ["bad JSON", "{oops", /message rejected: message data is not JSON/],
    ["an unknown job", { job: "hourly" }, /message rejected: unknown job "hourly"/],
    ["a bad date", { job: "daily", date: "2024-13-01" }, /message rejected: date "2024-13-01" is not a date/],
  ])("acknowledges %s with an error naming it, without running", async (_, payload, pattern) => {
    const h = harness();
    await expect(h.handler(pubsubEvent(payload))).resolves.toBeUndefined();
    expect(h.calls).toHaveLength(0);
    const errors = h.records.filter((r) => r.severity === "ERROR");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(pattern);
    expect(errors[0]!.message).toMatch(/acknowledged/);
    expect(errors[0]!.eventId).toBe("evt-1");
  });

  it("acknowledges a message naming a source the config lacks", async () => {
    const h = harness(async () => {
      throw new ConfigError(['only: no source named "nope"']);
    });
    await expect(h.handler(pubsubEvent({ job: "daily", only: ["nope"] }))).resolves.toBeUndefined();
    expect(h.records.find((r) => r.severity === "ERROR")!.message).toMatch(/message rejected: Invalid config: only: no source named "nope"/);
  });

  it("throws when a destination fails, so Pub/Sub redelivers, after the summary line", async () => {
    const h = harness(async (job) =>
      result(job, {
        ok: false,
        destinations: [
          { destination: "notion", ok: false, error: "HTTP 503 from Notion", durationMs: 3 },
          { destination: "discord", ok: true, durationMs: 1 },
        ],
      }),
    );
    const run = h.handler(pubsubEvent({ job: "daily" }));
    await expect(run).rejects.toBeInstanceOf(RetryableEventError);
    await expect(run).rejects.toThrow("destinations failed, Pub/Sub will redeliver: notion: HTTP 503 from Notion");
    expect(h.records.at(-1)).toMatchObject({ severity: "ERROR", destinationsFailed: ["notion"], destinationsWritten: ["discord"] });
  });

  it("throws when the pipeline itself throws something other than a config error", async () => {
    const h = harness(async () => {
      throw new Error("socket hang up");
    });
    await expect(h.handler(pubsubEvent({ job: "daily" }))).rejects.toThrow("daily failed: socket hang up");
  });

  it("rethrows an unforeseen error redacted, since the framework prints what it catches to stderr", async () => {
    const h = harness(async (job) => {
      const broken = result(job);
      Object.defineProperty(broken, "destinations", {
        get: () => {
          throw new Error(`summary failed near ${TOKEN}`);
        },
      });
      return broken;
    });
    const run = h.handler(pubsubEvent({ job: "daily" }));
    await expect(run).rejects.toBeInstanceOf(RetryableEventError);
    await expect(run).rejects.toThrow("summary failed near [redacted]");
    expect(JSON.stringify(h.records)).not.toContain(TOKEN);
    expect(h.records.at(-1)).toMatchObject({ severity: "ERROR", message: "unexpected error: summary failed near [redacted]" });
  });

  it("acknowledges an event older than the maximum age with a warning", async () => {
    const h = harness(undefined, { readOptions: () => ({ ...OPTIONS, maxEventAgeMs: 3_600_000 }) });
    await expect(h.handler(pubsubEvent({ job: "daily" }, { time: "2024-05-06T05:30:00Z" }))).resolves.toBeUndefined();
    expect(h.calls).toHaveLength(0);
    expect(h.records).toEqual([
      expect.objectContaining({ severity: "WARNING", message: "event is 1h 30m old, over the maximum of 1h; acknowledged without running", ageMs: 5_400_000 }),
    ]);
  });

  it("runs an event just under the maximum age", async () => {
    const h = harness(undefined, { readOptions: () => ({ ...OPTIONS, maxEventAgeMs: 3_600_000 }) });
    await h.handler(pubsubEvent({ job: "daily" }, { time: "2024-05-06T06:00:01Z" }));
    expect(h.calls).toHaveLength(1);
  });

  it.each([
    ["23:59 of the day before, in the config's zone", "Europe/Berlin", "2024-05-05T21:59:00Z", "2024-05-05"],
    ["just after midnight in the config's zone, still the day before in UTC", "Europe/Berlin", "2024-05-05T22:01:00Z", "2024-05-06"],
    ["23:59 UTC, when the pipeline names no zone", undefined, "2024-05-05T23:59:00Z", "2024-05-05"],
    // A time in the future (a publisher's clock ahead, a forged event) never dates the run after today.
    ["a time a day ahead: today, not tomorrow", undefined, "2024-05-07T06:00:00Z", "2024-05-06"],
    ["a time already tomorrow in the config's zone: today there", "Pacific/Auckland", "2024-05-06T13:00:00Z", "2024-05-06"],
    ["a time years ahead", "America/Los_Angeles", "2030-01-01T00:00:00Z", "2024-05-06"],
  ])("runs a message without a date for the day it was published: %s", async (_, timezone, time, date) => {
    const calls: (ProcessOptions | undefined)[] = [];
    const handler = createHandler({
      readOptions: () => ({ ...OPTIONS, maxEventAgeMs: 24 * 3_600_000 }),
      loadPipeline: async () => ({ timezone, process: async (job, options) => (calls.push(options), result(job)) }),
      sink: () => {},
      now: () => NOW,
    });
    await handler(pubsubEvent({ job: "daily" }, { time }));
    expect(calls).toEqual([{ date, only: undefined }]);
  });

  it("logs a config error in full once per cold start and acknowledges every event", async () => {
    const records: LogRecord[] = [];
    let loads = 0;
    const handler = createHandler({
      readOptions: () => OPTIONS,
      loadPipeline: async () => {
        loads++;
        throw new ConfigError(["destinations[0].token: ${NOTION_TOKEN} is not set", "sources[1].url: Invalid URL"]);
      },
      sink: (r) => records.push(r),
      now: () => NOW,
    });
    for (const id of ["a", "b", "c"]) await expect(handler(pubsubEvent({ job: "daily" }, { id }))).resolves.toBeUndefined();
    expect(loads).toBe(1);
    const full = records.filter((r) => JSON.stringify(r).includes("NOTION_TOKEN"));
    expect(full).toHaveLength(1);
    expect(full[0]).toMatchObject({
      severity: "ERROR",
      eventId: "a",
      issues: ["destinations[0].token: ${NOTION_TOKEN} is not set", "sources[1].url: Invalid URL"],
    });
    expect(records.filter((r) => r.severity === "WARNING").map((r) => r.eventId)).toEqual(["b", "c"]);
  });

  it("treats a bad KPI_MAX_EVENT_AGE like a config error", async () => {
    const h = harness(undefined, {
      readOptions: () => {
        throw new ConfigError(['KPI_MAX_EVENT_AGE: "soon" is not a duration; use e.g. 6h, 90m or 30s']);
      },
    });
    await expect(h.handler(pubsubEvent({ job: "daily" }))).resolves.toBeUndefined();
    expect(h.loads()).toBe(0);
    expect(h.records[0]).toMatchObject({ severity: "ERROR", message: expect.stringMatching(/KPI_MAX_EVENT_AGE/) });
  });

  it("loads the config once for many events", async () => {
    const h = harness();
    await Promise.all([h.handler(pubsubEvent({ job: "daily" })), h.handler(pubsubEvent({ job: "daily" }))]);
    await h.handler(pubsubEvent({ job: "weekly-report" }));
    expect(h.loads()).toBe(1);
    expect(h.calls).toHaveLength(3);
  });

  it("stamps the lines the pipeline logs with the id of the event being run, even for concurrent events", async () => {
    const records: LogRecord[] = [];
    let pipelineLogger!: Logger;
    const handler = createHandler({
      readOptions: () => OPTIONS,
      loadPipeline: async (_o, { logger }) => {
        pipelineLogger = logger;
        return {
          process: async (job, options) => {
            await new Promise((resolve) => setTimeout(resolve, options?.date === "2024-05-01" ? 20 : 1));
            pipelineLogger.info(`source for ${options?.date}`, { source: "s" });
            return result(job);
          },
        };
      },
      sink: (r) => records.push(r),
      now: () => NOW,
    });
    await Promise.all([
      handler(pubsubEvent({ job: "daily", date: "2024-05-01" }, { id: "slow" })),
      handler(pubsubEvent({ job: "daily", date: "2024-05-02" }, { id: "fast" })),
    ]);
    expect(records.filter((r) => r.source === "s").map((r) => [r.message, r.eventId])).toEqual([
      ["source for 2024-05-02", "fast"],
      ["source for 2024-05-01", "slow"],
    ]);
    expect(records.every((r) => Object.keys(r).slice(0, 3).join() === "severity,message,eventId")).toBe(true);
  });

  it("redacts the configured secrets from every log line and from the thrown error", async () => {
    const records: LogRecord[] = [];
    const pipeline: RunnablePipeline = {
      process: async (job) =>
        result(job, {
          ok: false,
          snapshot: { date: "2024-05-06", job, metrics: {}, failures: [{ source: `src-${TOKEN}`, error: "x" }] },
          destinations: [{ destination: "discord", ok: false, error: `POST ${WEBHOOK} failed`, durationMs: 1 }],
        }),
    };
    let logged!: (text: string) => void;
    const handler = createHandler({
      readOptions: () => OPTIONS,
      loadPipeline: async (_o, { secrets, logger }) => {
        secrets.add(TOKEN).addUrl(WEBHOOK);
        logged = (text) => logger.warn(text, { nested: { header: `Bearer ${TOKEN}` } });
        return pipeline;
      },
      sink: (r) => records.push(r),
      now: () => NOW,
    });
    const event = pubsubEvent({ job: "weekly-report", only: [TOKEN] });
    const error = await handler(event).catch((e: unknown) => e);
    logged(`token=${encodeURIComponent(TOKEN)} hook=${WEBHOOK.split("/").pop()!}`);
    expect(error).toBeInstanceOf(RetryableEventError);
    const everything = JSON.stringify(records) + String((error as Error).message) + String((error as Error).stack);
    expect(records.map((r) => r.severity)).toEqual(["INFO", "ERROR", "WARNING"]);
    expect(records[0]!.only).toEqual(["[redacted]"]);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain("hook-token-abc");
    expect(everything).toContain("[redacted]");
  });
});
