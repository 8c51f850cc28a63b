import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "@jest/globals";
import lockfile from "proper-lockfile";
import { FileHistory } from "../../src/destinations/file.js";
import { addDays } from "../../src/dates.js";
import type { KpiError } from "../../src/errors.js";
import { built } from "../helpers/built.js";

const run = promisify(execFile);
const BUILT_FILE_STORE = built("destinations/file.js");

/** A separate node process that upserts `count` rows of its own year, and one metric of a shared date each time. */
const WRITER = `
const [path, who, year, count, store] = process.argv.slice(1);
const { FileHistory } = await import(store);
const history = new FileHistory({ type: "file", path });
for (let i = 0; i < Number(count); i++) {
  const date = new Date(Date.UTC(Number(year), 0, 1 + i)).toISOString().slice(0, 10);
  await history.upsert({ date, job: "daily", metrics: { value: i }, failures: [] });
  await history.upsert({ date: "2030-01-01", job: "daily", metrics: { [who + "_" + i]: i }, failures: [] });
}
`;
const WRITERS = [
  ["a", "2026"],
  ["b", "2027"],
] as const;

async function tempPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "kpi-lock-")), "history.csv");
}

const snap = (date: string, metrics: Record<string, number>) => ({ date, job: "daily" as const, metrics, failures: [] });

describe("file store lock across processes", () => {
  it("two processes writing the same CSV at once lose no row and no value", async () => {
    const path = await tempPath();
    const count = 25;
    const writer = (who: string, year: string) =>
      run(process.execPath, ["--input-type=module", "-e", WRITER, path, who, year, String(count), BUILT_FILE_STORE], { timeout: 120_000 });
    await Promise.all(WRITERS.map(([who, year]) => writer(who, year)));

    const rows = await new FileHistory({ type: "file", path }).rows();
    for (const [, year] of WRITERS) {
      for (let i = 0; i < count; i++) {
        const date = addDays(`${year}-01-01`, i);
        expect({ date, value: rows.find((r) => r.date === date)?.metrics.value }).toEqual({ date, value: i });
      }
    }
    const shared = rows.find((r) => r.date === "2030-01-01")?.metrics ?? {};
    expect(Object.keys(shared)).toHaveLength(2 * count);
    expect(rows).toHaveLength(2 * count + 1);
  }, 180_000);

  it("a run that can't take the lock in time fails loudly and writes nothing", async () => {
    const path = await tempPath();
    const store = new FileHistory({ type: "file", path }, { timeoutMs: 300 });
    await store.upsert(snap("2026-11-01", { A: 1 }));
    const before = await readFile(path, "utf8");
    const release = await lockfile.lock(path, { realpath: false });
    try {
      const error = (await store.upsert(snap("2026-11-02", { A: 2 })).then(
        () => undefined,
        (e: unknown) => e,
      )) as KpiError;
      expect(error.code).toBe("history_locked");
      expect(error.message).toBe(
        `[file] ${path} is locked by another run (${path}.lock) and was not released within 0.3 s; nothing was written. If no other run is going, the lock is taken over once it is 10 s old`,
      );
      expect(await readFile(path, "utf8")).toBe(before);
    } finally {
      await release();
    }
    await store.upsert(snap("2026-11-02", { A: 2 }));
    expect((await store.rows()).map((r) => r.date)).toEqual(["2026-11-01", "2026-11-02"]);
  });

  it("takes over a lock left by a crashed run once it is stale", async () => {
    const path = await tempPath();
    await mkdir(`${path}.lock`, { recursive: true });
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(`${path}.lock`, anHourAgo, anHourAgo);
    const store = new FileHistory({ type: "file", path }, { timeoutMs: 5000, staleMs: 5000 });
    await store.upsert(snap("2026-11-01", { A: 1 }));
    expect(await store.get("2026-11-01")).toEqual({ date: "2026-11-01", metrics: { A: 1 } });
  });
});
