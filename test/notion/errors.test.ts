import { afterEach, describe, expect, it } from "@jest/globals";
import { DestinationError } from "../../src/errors.js";
import { Pipeline } from "../../src/pipeline.js";
import type { Destination } from "../../src/types.js";
import { context, setup, snapshot, type Harness } from "./harness.js";

let h: Harness;
afterEach(() => h.close());

const TODAY = "2026-11-30";

async function failure(run: Promise<unknown>): Promise<DestinationError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DestinationError);
  const destinationError = error as DestinationError;
  expect(destinationError.message).not.toContain(h.fake.token);
  expect(h.logText()).not.toContain(h.fake.token);
  return destinationError;
}

describe("notion errors", () => {
  it("says the token is invalid, without showing it", async () => {
    h = await setup({}, { token: "ntn_wrong_token_1234567890" });
    const error = await failure(h.store.write(snapshot(TODAY, { mrr: 1 }), context(h)));
    expect(error.message).toMatch(/^\[notion\] Notion token invalid/);
    expect(error.message).not.toContain("ntn_wrong_token_1234567890");
    expect(error.code).toBe("notion_unauthorized");
    expect(h.fake.requestCount).toBe(1);
  });

  it("explains how to share a database the integration cannot see", async () => {
    h = await setup();
    h.fake.unshare();
    const error = await failure(h.store.write(snapshot(TODAY, { mrr: 1 }), context(h)));
    expect(error.message).toContain("database not found or not shared with the integration");
    expect(error.message).toContain("••• menu > Connections > add your integration");
    expect(error.message).toContain(h.fake.databaseId);
  });

  it("refuses a column of a metric's name with another type, changing nothing", async () => {
    h = await setup({ columns: { Name: "title", mrr: "rich_text" } });
    const error = await failure(h.store.write(snapshot(TODAY, { mrr: 1, stars: 2 }), context(h)));
    expect(error.message).toContain('column "mrr" is a rich_text column, not number');
    expect(h.fake.count("PATCH /v1/data_sources/:id")).toBe(0);
    // The fake retypes a column as Notion does, so this also catches a retype by any other request.
    expect(h.fake.columns()).toEqual({ Name: "title", mrr: "rich_text" });
    expect(h.fake.rows()).toEqual([]);
  });

  it("refuses to read history keyed by a date column of another type, instead of finding nothing", async () => {
    h = await setup({ columns: { Name: "title", Date: "rich_text" } });
    const error = await failure(h.store.nearestOnOrBefore(TODAY, 7));
    expect(error.message).toContain('column "Date" is a rich_text column, not date');
    expect(h.fake.columns()).toEqual({ Name: "title", Date: "rich_text" });
  });

  it("passes Notion's validation message through, with the property name, and recovers next run", async () => {
    h = await setup();
    await h.store.write(snapshot(TODAY, { mrr: 1, stars: 2 }), context(h));
    // Someone deletes a column between the schema read and the write.
    await fetch(`${h.fake.url}/v1/data_sources/${h.fake.dataSourceId}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${h.fake.token}`, "notion-version": "2025-09-03", "content-type": "application/json" },
      body: JSON.stringify({ properties: { stars: null } }),
    });
    const error = await failure(h.store.upsert(snapshot(TODAY, { mrr: 1, stars: 3 })));
    expect(error.message).toContain("400 validation_error");
    expect(error.message).toContain("stars is not a property that exists.");

    await h.store.write(snapshot(TODAY, { mrr: 1, stars: 3 }), context(h));
    expect(h.fake.rows()).toEqual([expect.objectContaining({ metrics: { mrr: 1, stars: 3 } })]);
  });

  it("redacts the token even when Notion echoes it", async () => {
    h = await setup();
    h.fake.failNext(1, 400, { code: "validation_error", message: `Header authorization: Bearer ${h.fake.token} is malformed` });
    const error = await failure(h.store.write(snapshot(TODAY, { mrr: 1 }), context(h)));
    expect(error.message).toContain("Bearer [redacted] is malformed");
  });

  it("fails only its own destination: the pipeline keeps the others going", async () => {
    h = await setup();
    h.fake.unshare();
    const written: string[] = [];
    const other: Destination = { name: "other", write: async (s) => void written.push(s.date) };
    const pipeline = new Pipeline({ sources: [], destinations: [h.store, other], secrets: h.secrets });
    const result = await pipeline.process("daily", { date: TODAY });
    expect(result.ok).toBe(false);
    expect(result.destinations).toEqual([
      expect.objectContaining({ destination: "notion", ok: false, error: expect.stringContaining("not shared with the integration") }),
      expect.objectContaining({ destination: "other", ok: true }),
    ]);
    expect(written).toEqual([TODAY]);
  });
});
