import { afterEach, describe, expect, it } from "@jest/globals";
import { context, setup, snapshot, type Harness } from "./harness.js";

let h: Harness;
afterEach(() => h.close());

describe("notion upsert by date", () => {
  it("creates the row and the missing columns on a first run", async () => {
    h = await setup();
    await h.store.write(snapshot("2026-11-30", { mrr: 4200, stars: 17 }), context(h));

    expect(h.fake.rows()).toEqual([expect.objectContaining({ date: "2026-11-30", title: "2026-11-30", metrics: { mrr: 4200, stars: 17 }, trashed: false })]);
    expect(h.fake.columns()).toEqual({ Name: "title", Date: "date", mrr: "number", stars: "number", Alerted: "rich_text", "Reported to": "rich_text" });
    expect(h.fake.count("PATCH /v1/data_sources/:id")).toBe(1);
    expect(h.fake.count("POST /v1/pages")).toBe(1);
  });

  it("updates that row on a second run the same day", async () => {
    h = await setup();
    await h.store.write(snapshot("2026-11-30", { mrr: 4200 }), context(h));
    await h.store.write(snapshot("2026-11-30", { mrr: 4300 }), context(h));

    expect(h.fake.rows()).toEqual([expect.objectContaining({ date: "2026-11-30", metrics: { mrr: 4300 } })]);
    expect(h.fake.count("POST /v1/pages")).toBe(1);
    expect(h.fake.count("PATCH /v1/pages/:id")).toBe(1);
  });

  it("leaves exactly one row when the same delivery arrives twice", async () => {
    h = await setup();
    const delivery = snapshot("2026-11-30", { mrr: 4200, stars: 17 });
    await h.store.write(delivery, context(h));
    const before = h.fake.rows();
    await h.store.write(delivery, context(h));

    expect(h.fake.rows()).toHaveLength(1);
    expect(h.fake.rows()[0]).toMatchObject({ id: before[0]?.id, metrics: { mrr: 4200, stars: 17 } });
  });

  it("repairs a race: the oldest row is updated and the extra goes to the trash", async () => {
    h = await setup();
    h.fake.seedRows([{ date: "2026-11-30", metrics: { mrr: 1 } }]);
    h.fake.seedDuplicate("2026-11-30", { mrr: 2 });
    const [oldest, extra] = h.fake.rows();

    await h.store.write(snapshot("2026-11-30", { mrr: 3 }), context(h));

    const rows = h.fake.rows();
    expect(rows.find((r) => r.id === oldest?.id)).toMatchObject({ metrics: { mrr: 3 }, trashed: false });
    expect(rows.find((r) => r.id === extra?.id)).toMatchObject({ metrics: { mrr: 2 }, trashed: true });
    expect(rows.filter((r) => !r.trashed)).toHaveLength(1);
    expect(await h.store.get("2026-11-30")).toMatchObject({ metrics: { mrr: 3 } });
  });

  it("adds a new metric's column with one dataSources.update holding only the missing columns", async () => {
    h = await setup();
    h.fake.seedRows([{ date: "2026-11-29", metrics: { mrr: 4100, stars: 16 }, reportedTo: [], alerted: [] }]);

    await h.store.write(snapshot("2026-11-30", { mrr: 4200, stars: 17, signups: 5, churn: 1 }), context(h));

    const updates = h.fake.requests.filter((r) => r.route === "PATCH /v1/data_sources/:id");
    expect(updates).toHaveLength(1);
    expect(updates[0]?.body).toEqual({ properties: { signups: { number: { format: "number" } }, churn: { number: { format: "number" } } } });
    expect(h.fake.rows().at(-1)).toMatchObject({ date: "2026-11-30", metrics: { mrr: 4200, stars: 17, signups: 5, churn: 1 } });
  });

  it("never changes the schema when every column exists", async () => {
    h = await setup();
    h.fake.seedRows([{ date: "2026-11-29", metrics: { mrr: 4100 } }]);
    await h.store.write(snapshot("2026-11-30", { mrr: 4200 }), context(h));
    expect(h.fake.count("PATCH /v1/data_sources/:id")).toBe(0);
  });

  it("keeps the old value of a metric whose source failed", async () => {
    h = await setup();
    await h.store.write(snapshot("2026-11-30", { mrr: 4200, stars: 17 }), context(h));
    await h.store.write(snapshot("2026-11-30", { mrr: 4300 }, [{ source: "github", error: "timed out" }]), context(h));

    expect(h.fake.rows()[0]?.metrics).toEqual({ mrr: 4300, stars: 17 });
    const lastWrite = h.fake.requests.filter((r) => r.route === "PATCH /v1/pages/:id").at(-1);
    expect(Object.keys((lastWrite?.body as { properties: object }).properties)).not.toContain("stars");
  });

  it("keys rows by a custom date column and title column", async () => {
    h = await setup({ columns: { Day: "title", When: "date", Notes: "rich_text" }, dateProperty: "When" }, { dateProperty: "When", titleProperty: "Day" });
    await h.store.write(snapshot("2026-11-30", { mrr: 1 }), context(h));
    await h.store.write(snapshot("2026-11-30", { mrr: 2 }), context(h));
    expect(h.fake.rows()).toEqual([expect.objectContaining({ date: "2026-11-30", title: "2026-11-30", metrics: { mrr: 2 } })]);
    expect(h.fake.columns()).not.toHaveProperty("Date");
  });
});
