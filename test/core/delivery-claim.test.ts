import { describe, expect, it } from "@jest/globals";
import type { KpiError } from "../../src/errors.js";
import { deliverReport, type ReportDelivery } from "../../src/report/delivery-claim.js";
import { MemoryHistory } from "../helpers/memory-history.js";

const DATE = "2026-03-09";

/** A destination-agnostic delivery, as Slack's will be: posts strings into `posted`. */
function delivery(posted: string[], overrides: Partial<ReportDelivery<string>> = {}): ReportDelivery<string> {
  return {
    destination: "slack",
    date: DATE,
    build: async () => ({ parts: ["one", "two", "three"], alerted: ["stripe"] }),
    post: async (part) => void posted.push(part),
    ...overrides,
  };
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as KpiError,
  );

describe("the report claim protocol", () => {
  it("claims before posting, records each part, then completes with the alerted sources", async () => {
    const history = new MemoryHistory();
    const posted: string[] = [];
    const marks: unknown[] = [];
    const result = await deliverReport(
      history,
      delivery(posted, { post: async (part) => void (posted.push(part), marks.push(structuredClone(history.rows.get(DATE)?.reportedTo))) }),
    );
    expect(result).toEqual({ status: "sent", posted: 3, parts: 3 });
    expect(posted).toEqual(["one", "two", "three"]);
    // What history held while each part was being posted.
    expect(marks).toEqual([
      [{ destination: "slack", progress: { sent: 0, parts: 3 } }],
      [{ destination: "slack", progress: { sent: 1, parts: 3 } }],
      [{ destination: "slack", progress: { sent: 2, parts: 3 } }],
    ]);
    expect(history.rows.get(DATE)).toMatchObject({ reportedTo: [{ destination: "slack" }], alerted: ["stripe"] });
    expect(await deliverReport(history, delivery(posted))).toEqual({ status: "skipped", posted: 0, parts: 0 });
    expect(posted).toHaveLength(3);
  });

  it("posts nothing when the claim can't be written", async () => {
    const history = new MemoryHistory();
    history.failWrites = new Error("store refuses writes");
    const posted: string[] = [];
    const error = await rejection(deliverReport(history, delivery(posted)));
    expect(error?.code).toBe("history_claim_failed");
    expect(error?.message).toBe(
      `[slack] can't claim the weekly report of ${DATE} in history, so nothing is posted (a redelivery tries again): store refuses writes`,
    );
    expect(posted).toEqual([]);
  });

  it("resumes from the first part not recorded", async () => {
    const history = new MemoryHistory([{ date: DATE, metrics: {}, reportedTo: [{ destination: "slack", progress: { sent: 2, parts: 3 } }] }]);
    const posted: string[] = [];
    expect(await deliverReport(history, delivery(posted))).toEqual({ status: "sent", posted: 1, parts: 3 });
    expect(posted).toEqual(["three"]);
  });

  it("a legacy Report sent counts only where the destination says so (discord), not for another one", async () => {
    const rows = [{ date: DATE, metrics: {}, reportSent: true }];
    const posted: string[] = [];
    expect((await deliverReport(new MemoryHistory(rows), delivery(posted, { destination: "discord", legacyReportSent: true }))).status).toBe("skipped");
    expect((await deliverReport(new MemoryHistory(rows), delivery(posted))).status).toBe("sent");
    expect(posted).toEqual(["one", "two", "three"]);
  });

  it("force posts a complete report again from its first part", async () => {
    const history = new MemoryHistory([{ date: DATE, metrics: {}, reportedTo: [{ destination: "slack" }] }]);
    const posted: string[] = [];
    expect(await deliverReport(history, delivery(posted, { force: true }))).toEqual({ status: "sent", posted: 3, parts: 3 });
    expect(posted).toEqual(["one", "two", "three"]);
  });

  it("refuses a destination name that can't be stored in the Reported to cell", async () => {
    const posted: string[] = [];
    const error = await rejection(deliverReport(new MemoryHistory(), delivery(posted, { destination: "team, ops" })));
    expect(error?.code).toBe("destination_name_invalid");
    expect(posted).toEqual([]);
  });
});
