import { afterEach, describe, expect, it } from "@jest/globals";
import { addDays } from "../../src/dates.js";
import { context, setup, snapshot, type Harness } from "./harness.js";

let h: Harness;
afterEach(() => h.close());

describe("notion request pacing", () => {
  it("spaces requests by minIntervalMs, to stay near Notion's 3 requests a second", async () => {
    const sentAt: number[] = [];
    const fetchAndRecord: typeof fetch = (input, init) => {
      sentAt.push(Date.now());
      return fetch(input, init);
    };
    h = await setup({}, {}, { minIntervalMs: 120, fetch: fetchAndRecord });
    h.fake.seedDays(20, { end: addDays("2026-11-30", -1), metrics: (i) => ({ A: i }) });
    await h.store.write(snapshot("2026-11-30", { A: 99 }), context(h));
    await h.store.range("2026-11-01", "2026-11-30");
    expect(sentAt.length).toBeGreaterThanOrEqual(5);
    // A lower bound only: the limiter must never send two requests closer than the interval.
    const gaps = sentAt.slice(1).map((t, i) => t - (sentAt[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(115);
  });
});
