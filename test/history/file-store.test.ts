import { describe } from "@jest/globals";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileDestination } from "../../src/destinations/file.js";
import { testHistoryStore } from "./store-conformance.js";

describe("history store conformance: file", () => {
  testHistoryStore(
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "kpi-history-"));
      const path = join(dir, "history.csv");
      return {
        store: createFileDestination({ type: "file", path }),
        reopen: () => createFileDestination({ type: "file", path }),
        // A file from before `Reported to`, as that version wrote it.
        seedLegacy: async (rows) => {
          const metrics = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
          const lines = rows.map((r) => [r.date, ...metrics.map((m) => String(r.metrics[m] ?? "")), "true", ""].join(","));
          await writeFile(path, [["date", ...metrics, "Report sent", "Alerted"].join(","), ...lines].join("\n") + "\n");
        },
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
    { concurrentHandles: true },
  );
});
