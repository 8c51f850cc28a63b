import { printableLine } from "./printable.js";
import { formatValue } from "./report/format.js";
import type { Snapshot } from "./types.js";

/** The snapshot as a readable table. */
export function formatSnapshotTable(snapshot: Snapshot): string {
  const entries = Object.entries(snapshot.metrics);
  const width = Math.max(6, ...entries.map(([name]) => name.length));
  const lines = [`KPI snapshot ${snapshot.date} (${snapshot.job}): ${entries.length} metrics, ${snapshot.failures.length} failed sources`, ""];
  lines.push(`${"metric".padEnd(width)}  ${"value".padStart(14)}`);
  lines.push(`${"-".repeat(width)}  ${"-".repeat(14)}`);
  for (const [name, value] of entries) {
    const note = snapshot.notes && Object.hasOwn(snapshot.notes, name) ? `  (${printableLine(snapshot.notes[name] ?? "")})` : "";
    lines.push(`${printableLine(name).padEnd(width)}  ${formatValue(value).padStart(14)}${note}`);
  }
  if (snapshot.failures.length) {
    const what = snapshot.failures.some((f) => f.derived) ? "Failed sources and derived metrics" : "Failed sources";
    lines.push("", `${what} (their metrics are absent, not 0):`);
    for (const failure of snapshot.failures) lines.push(`  ✗ ${printableLine(failure.source)}: ${printableLine(failure.error)}`);
  }
  if (snapshot.derivedPending?.length) {
    lines.push("", "Derived metrics not computed yet, the history does not reach back far enough (not a failure):");
    lines.push(`  … ${snapshot.derivedPending.map(printableLine).join(", ")}`);
  }
  return lines.join("\n") + "\n";
}
