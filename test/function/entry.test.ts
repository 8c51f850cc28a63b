import { describe, expect, it, jest } from "@jest/globals";
import * as functions from "@google-cloud/functions-framework";
import { getFunction } from "@google-cloud/functions-framework/testing";
import { createHandler } from "../../src/function/handler.js";
import type { LogRecord } from "../../src/log/logger.js";
import type { RunResult } from "../../src/pipeline.js";
import type { Job } from "../../src/types.js";
import { useFrameworkServer } from "./framework-server.js";

/** What a Pub/Sub push subscription posts. */
function pushBody(payload: unknown, messageId: string) {
  return {
    subscription: "projects/p/subscriptions/s",
    message: { data: Buffer.from(JSON.stringify(payload)).toString("base64"), attributes: {}, messageId, publishTime: new Date().toISOString() },
  };
}

const records: LogRecord[] = [];
const runs: Job[] = [];
let notionDown = false;

functions.cloudEvent(
  "kpiCollectorUnderTest",
  createHandler({
    readOptions: () => ({ configPath: "unused.yaml", maxEventAgeMs: 3_600_000 }),
    loadPipeline: async () => ({
      process: async (job): Promise<RunResult> => {
        runs.push(job);
        const destinations = [{ destination: "notion", ok: !notionDown, error: notionDown ? "HTTP 503" : undefined, durationMs: 1 }];
        return { snapshot: { date: "2024-05-06", job, metrics: { a: 1 }, failures: [] }, destinations, ok: !notionDown };
      },
    }),
    sink: (r) => records.push(r),
  }),
);

describe("the handler under the Functions Framework", () => {
  const server = useFrameworkServer("kpiCollectorUnderTest");

  const post = (body: unknown) =>
    fetch(`${server.url()}/projects/p/topics/kpi-jobs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("converts a push body to a CloudEvent, runs the job and answers 204", async () => {
    const response = await post(pushBody({ job: "weekly-report" }, "m1"));
    expect(response.status).toBe(204);
    expect(runs.at(-1)).toBe("weekly-report");
    expect(records.at(-1)).toMatchObject({ eventId: "m1", job: "weekly-report", metricsCollected: 1 });
  });

  it("answers 500 when a destination fails, and 204 for a malformed message", async () => {
    notionDown = true;
    // The framework prints a thrown error's stack with console.error; captured, so a green run prints none.
    const printed = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const failed = await post(pushBody({ job: "daily" }, "m2"));
      expect(failed.status).toBe(500);
      expect(await failed.text()).toMatch(/notion: HTTP 503/);
      // One line, already logged as JSON by the handler: no stack trace in the function's stderr.
      expect(printed.mock.calls).toEqual([["RetryableEventError: destinations failed, Pub/Sub will redeliver: notion: HTTP 503"]]);
    } finally {
      notionDown = false;
      printed.mockRestore();
    }
    const count = runs.length;
    const malformed = await post(pushBody({ job: "yearly" }, "m3"));
    expect(malformed.status).toBe(204);
    expect(runs).toHaveLength(count);
    expect(records.at(-1)).toMatchObject({ severity: "ERROR", eventId: "m3" });
  });
});

describe("src/function/entry.ts", () => {
  it("registers kpiCollector, which acknowledges an event when the config file is missing", async () => {
    const previous = process.env.KPI_CONFIG;
    process.env.KPI_CONFIG = "does/not/exist.yaml";
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string) => (lines.push(String(chunk)), true);
    try {
      await import("../../src/function/entry.js");
      const handler = getFunction("kpiCollector") as (event: unknown) => Promise<void>;
      expect(typeof handler).toBe("function");
      await expect(
        handler({ id: "e1", time: new Date().toISOString(), data: { message: { data: Buffer.from('{"job":"daily"}').toString("base64") } } }),
      ).resolves.toBeUndefined();
    } finally {
      process.stdout.write = write;
      if (previous === undefined) delete process.env.KPI_CONFIG;
      else process.env.KPI_CONFIG = previous;
    }
    const record = JSON.parse(lines.find((l) => l.includes("config error"))!) as LogRecord;
    expect(record).toMatchObject({ severity: "ERROR", eventId: "e1", job: "daily" });
    expect(record.message).toMatch(/does\/not\/exist\.yaml: file not found/);
  });
});
