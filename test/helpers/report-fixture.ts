import { join } from "node:path";
import { FileHistory } from "../../src/destinations/file.js";

/** The date whose weekly report `fortnightHistory` makes: USERS 112, against 100 two weeks earlier. */
export const REPORT_DATE = "2026-11-16";

/** A history CSV in `dir` holding USERS on 2026-11-02 (100) and on REPORT_DATE (112); its path. */
export async function fortnightHistory(dir: string): Promise<string> {
  const path = join(dir, "history.csv");
  const store = new FileHistory({ type: "file", path });
  await store.upsert({ date: "2026-11-02", job: "daily", metrics: { USERS: 100 }, failures: [] });
  await store.upsert({ date: REPORT_DATE, job: "daily", metrics: { USERS: 112 }, failures: [] });
  return path;
}
