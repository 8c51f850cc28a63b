import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeEach, describe, expect, it } from "@jest/globals";
import { FileHistory } from "../../src/destinations/file.js";
import type { Snapshot } from "../../src/types.js";

const snap = (date: string, metrics: Record<string, number>): Snapshot => ({ date, job: "daily", metrics, failures: [] });
let path: string;
beforeEach(async () => {
  path = join(await mkdtemp(join(tmpdir(), "kpi-file-")), "nested", "history.csv");
});

describe("file history store", () => {
  it("upserts by date: running twice on a date leaves one row", async () => {
    const store = new FileHistory({ type: "file", path });
    await store.write(snap("2026-11-01", { A: 1 }));
    await store.write(snap("2026-11-01", { A: 2 }));
    expect(await store.rows()).toEqual([{ date: "2026-11-01", metrics: { A: 2 } }]);
    expect((await readFile(path, "utf8")).trim().split("\n")).toHaveLength(2);
  });

  it("adds a column when a metric appears, leaving older rows empty (not 0)", async () => {
    const store = new FileHistory({ type: "file", path });
    await store.upsert(snap("2026-11-01", { A: 1 }));
    await store.upsert(snap("2026-11-02", { A: 2, B: 5 }));
    expect(await readFile(path, "utf8")).toBe("date,A,B,Alerted,Reported to\n2026-11-01,1,,,\n2026-11-02,2,5,,\n");
    expect((await store.get("2026-11-01"))?.metrics).toEqual({ A: 1 });
  });

  it("keeps a metric's old value when this snapshot lacks it (a failed source)", async () => {
    const store = new FileHistory({ type: "file", path });
    await store.upsert(snap("2026-11-01", { A: 1, B: 7 }));
    await store.upsert(snap("2026-11-01", { A: 3 }));
    expect((await store.get("2026-11-01"))?.metrics).toEqual({ A: 3, B: 7 });
  });

  it("finds the nearest earlier row within a window", async () => {
    const store = new FileHistory({ type: "file", path });
    for (const date of ["2026-10-01", "2026-10-10", "2026-10-12"]) await store.upsert(snap(date, { A: Number(date.slice(-2)) }));
    expect((await store.nearestOnOrBefore("2026-10-12", 7))?.date).toBe("2026-10-12");
    expect((await store.nearestOnOrBefore("2026-10-11", 7))?.date).toBe("2026-10-10");
    expect(await store.nearestOnOrBefore("2026-10-09", 7)).toBeUndefined();
    expect((await store.range("2026-10-02", "2026-10-12")).map((r) => r.date)).toEqual(["2026-10-10", "2026-10-12"]);
  });

  it("records report and alerted marks, creating the row if needed", async () => {
    const store = new FileHistory({ type: "file", path });
    await store.markReport("2026-11-02", { destination: "slack", progress: { sent: 1, parts: 3 } });
    await store.markReport("2026-11-02", { destination: "discord" });
    await store.markAlerted("2026-11-02", ["github"]);
    await store.markAlerted("2026-11-02", ["blog", "github"]);
    expect(await readFile(path, "utf8")).toBe("date,Alerted,Reported to\n2026-11-02,blog;github,discord;slack 1/3\n");
    expect(await store.get("2026-11-02")).toEqual({
      date: "2026-11-02",
      metrics: {},
      reportedTo: [{ destination: "discord" }, { destination: "slack", progress: { sent: 1, parts: 3 } }],
      alerted: ["blog", "github"],
    });
  });

  it("keeps a legacy Report sent column when it rewrites an older file", async () => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, "date,A,Report sent,Alerted\n2026-11-02,1,true,\n2026-11-09,2,,\n");
    const store = new FileHistory({ type: "file", path });
    await store.markReport("2026-11-09", { destination: "discord" });
    expect(await readFile(path, "utf8")).toBe("date,A,Report sent,Alerted,Reported to\n2026-11-02,1,true,,\n2026-11-09,2,,,discord\n");
    expect((await store.get("2026-11-02"))?.reportSent).toBe(true);
  });

  it("serialises concurrent writes in one process", async () => {
    const store = new FileHistory({ type: "file", path });
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.upsert(snap("2026-11-01", { [`M${i}`]: i }))));
    expect(Object.keys((await store.get("2026-11-01"))?.metrics ?? {})).toHaveLength(10);
  });

  it("fails clearly on a file that is not a history CSV", async () => {
    await writeFile(path.replace("nested/", ""), "name,value\nx,1\n");
    const store = new FileHistory({ type: "file", path: path.replace("nested/", "") });
    await expect(store.get("2026-11-01")).rejects.toThrow(/is not a history CSV: the first column must be "date"/);
  });

  it("fails naming the line when a row was cut short, instead of keeping it with a value missing", async () => {
    const store = new FileHistory({ type: "file", path });
    await store.upsert(snap("2026-11-01", { STARS: 10, FORKS: 2 }));
    await store.upsert(snap("2026-11-02", { STARS: 12, FORKS: 3 }));
    const text = await readFile(path, "utf8");
    await writeFile(path, text.slice(0, text.indexOf("12") + 2));
    await expect(store.get("2026-11-01")).rejects.toThrow(/is not a history CSV: line 3 /);
  });
});
