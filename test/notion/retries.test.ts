import { afterEach, describe, expect, it } from "@jest/globals";
import { DestinationError } from "../../src/errors.js";
import { context, setup, snapshot, type Harness } from "./harness.js";

let h: Harness;
afterEach(async () => {
  // Retry warnings and the SDK's debug lines pass through the logger: none may carry the token.
  expect(h.logs.length).toBeGreaterThan(0);
  expect(h.logText()).not.toContain(h.fake.token);
  await h.close();
});

const TODAY = "2026-11-30";
const retryLines = () => h.logs.filter((l) => l.severity === "WARNING").map((l) => l.message);

describe("notion rate limits and transient failures", () => {
  // The fake answers 429 again to a request sent before Retry-After has passed, as Notion does.
  it.each([
    ["the Retry-After Notion sends", { retryAfter: 1 }],
    ["Notion's usual Retry-After when the test names none", {}],
  ])("waits %s on a 429 before sending again", async (_, failOptions) => {
    h = await setup();
    h.fake.failNext(1, 429, failOptions);
    await h.store.write(snapshot(TODAY, { mrr: 1 }), context(h));
    expect(retryLines()).toEqual([expect.stringContaining("429 rate_limited); retry 1 of 4 in 1000 ms")]);
    expect(h.fake.requests.map((r) => r.status)).toEqual([429, 200, 200, 200, 200, 200]);
    const [limited, retried] = h.fake.requests;
    // A lower bound only: the retry never leaves before the wait Notion asked for (less a timer's slack).
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(h.fake.rows()).toHaveLength(1);
  });

  it("rides out a 429 storm across reads and writes, one extra request per 429", async () => {
    h = await setup();
    h.fake.failNext(3, 429, { retryAfter: "0.02" });
    h.fake.failNext(2, 429, { retryAfter: "0.02", method: "POST", path: "/v1/pages" });
    h.fake.failNext(1, 529, { retryAfter: "0.02", method: "PATCH" });
    await h.store.write(snapshot(TODAY, { mrr: 1 }), context(h));

    expect(h.fake.rows()).toEqual([expect.objectContaining({ date: TODAY, metrics: { mrr: 1 } })]);
    expect(h.fake.requestCount).toBe(5 + 6);
    expect(h.fake.requests.filter((r) => r.status === 429)).toHaveLength(5);
    expect(h.fake.count("POST /v1/pages")).toBe(3);
    expect(retryLines().every((line) => line.endsWith("in 20 ms"))).toBe(true);
  });

  it("retries 500, 502, 503 and 504 on reads", async () => {
    h = await setup();
    h.fake.seedRows([{ date: TODAY, metrics: { mrr: 1 } }]);
    h.fake.failNext(1, 502, { method: "GET", path: "/v1/databases" });
    h.fake.failNext(1, 504, { method: "GET", path: "/v1/data_sources" });
    h.fake.failNext(1, 500, { path: "/v1/data_sources/:id/query" });
    h.fake.failNext(1, 503, { path: "/v1/data_sources/:id/query" });
    expect(await h.store.get(TODAY)).toMatchObject({ metrics: { mrr: 1 } });
    expect(h.fake.requestCount).toBe(3 + 4);
  });

  it("retries a 409 conflict on an update", async () => {
    h = await setup();
    h.fake.seedRows([{ date: TODAY, metrics: { mrr: 1 } }]);
    h.fake.failNext(1, 409, { method: "PATCH", path: "/v1/pages" });
    await h.store.write(snapshot(TODAY, { mrr: 2 }), context(h));
    expect(h.fake.rows()).toEqual([expect.objectContaining({ metrics: { mrr: 2 } })]);
    expect(h.fake.count("PATCH /v1/pages/:id")).toBe(2);
  });

  it("redoes the whole upsert when a create fails with a 5xx, re-querying first", async () => {
    h = await setup();
    h.fake.failNext(1, 504, { method: "POST", path: "/v1/pages" });
    await h.store.write(snapshot(TODAY, { mrr: 1 }), context(h));
    expect(h.fake.rows()).toHaveLength(1);
    expect(h.fake.count("POST /v1/data_sources/:id/query")).toBe(2);
    expect(h.fake.count("POST /v1/pages")).toBe(2);
  });

  it("never duplicates when a create times out after Notion applied it", async () => {
    h = await setup({}, {}, { timeoutMs: 500 });
    h.fake.delayNext(2500, { method: "POST", path: "/v1/pages" });
    await h.store.write(snapshot(TODAY, { mrr: 1, stars: 2 }), context(h));

    expect(h.fake.rows()).toEqual([expect.objectContaining({ date: TODAY, metrics: { mrr: 1, stars: 2 }, trashed: false })]);
    expect(h.fake.count("POST /v1/pages")).toBe(1);
    expect(h.fake.count("PATCH /v1/pages/:id")).toBe(1);
    expect(retryLines()).toEqual([expect.stringContaining("redoing the upsert")]);
  });

  it("retries an update that timed out: it is keyed by page, so redoing it is safe", async () => {
    h = await setup({}, {}, { timeoutMs: 500 });
    h.fake.seedRows([{ date: TODAY, metrics: { mrr: 1 } }]);
    h.fake.delayNext(2500, { method: "PATCH", path: "/v1/pages" });
    await h.store.write(snapshot(TODAY, { mrr: 2 }), context(h));
    expect(h.fake.rows()).toEqual([expect.objectContaining({ metrics: { mrr: 2 } })]);
    expect(h.fake.count("PATCH /v1/pages/:id")).toBe(2);
  });

  it("fails the destination with the last error once retries are exhausted", async () => {
    h = await setup({}, {}, { maxRetries: 2 });
    h.fake.failNext(10, 503);
    const error = await h.store.write(snapshot(TODAY, { mrr: 1 }), context(h)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as Error).message).toBe(
      "[notion] upsert of 2026-11-30 failed after retries: 503 service_unavailable: Notion is unavailable, please try again later.",
    );
    expect(h.fake.requestCount).toBe(3);
  });

  it.each([
    ["on a Retry-After longer than it may wait", { maxRetryAfterMs: 5000 }, 3600],
    ["when the wait would cross the retry-time budget", { maxRetryTimeMs: 500 }, 1],
  ])("gives up at once %s, without claiming it retried", async (_, tuning, retryAfter) => {
    h = await setup({}, {}, tuning);
    h.fake.failNext(1, 429, { retryAfter });
    const error = await h.store.write(snapshot(TODAY, { mrr: 1 }), context(h)).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^\[notion\] upsert of 2026-11-30 failed: 429 rate_limited/);
    expect(h.fake.requestCount).toBe(1);
  });

  it("stops retrying when the next wait would cross the retry-time budget, and says it retried", async () => {
    // The first wait (1 s) fits in 1.9 s; the second would end at 2 s or later.
    h = await setup({}, {}, { maxRetryTimeMs: 1900 });
    h.fake.failNext(10, 429, { retryAfter: 1 });
    const error = await h.store.write(snapshot(TODAY, { mrr: 1 }), context(h)).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "[notion] upsert of 2026-11-30 failed after retries: 429 rate_limited: You have been rate limited. Please try again in a few minutes.",
    );
    expect(h.fake.requests.map((r) => r.status)).toEqual([429, 429]);
    expect(retryLines()).toHaveLength(1);
  });
});
