import { readFile } from "node:fs/promises";

/** Where `npm start` copies the local function's log lines, for `npm run trigger:local` to read. */
export const LOCAL_FUNCTION_LOG = ".kpi/function.log";

/** The config `npm start` runs with when `KPI_CONFIG` is unset: no secrets needed. */
export const LOCAL_CONFIG = "kpi.local.yaml";

/** The line an event ended with (it carries `outcome`, see `EventOutcome`), and the lines before it. */
export interface EventLog {
  /** The closing line. */
  last: Record<string, unknown> & { message: string; outcome: string };
  /** Every line the event logged, in order. */
  lines: Record<string, unknown>[];
}

/** The JSON lines of the log; other output (the console destination's table) is skipped. */
function parseLines(text: string): Record<string, unknown>[] {
  return text.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      const record = JSON.parse(line) as Record<string, unknown> | null;
      return record && typeof record === "object" ? [record] : [];
    } catch {
      return [];
    }
  });
}

/** The closing line of event `eventId`, or undefined while it has none (or there is no log). */
export async function readEventLog(path: string, eventId: string): Promise<EventLog | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  const all = parseLines(text);
  const lines = all.filter((record) => record.eventId === eventId);
  const last = lines.find((record) => typeof record.outcome === "string");
  if (!last) return undefined;
  // A config error is logged in full at the first event only; later events point back to it.
  const configError = last.outcome === "config-error" && !last.issues ? all.findLast((r) => r.outcome === "config-error" && r.issues) : undefined;
  return { last: (configError ?? last) as EventLog["last"], lines };
}
