/** One measured number, with the target it is judged against when it has one. */
export interface Figure {
  /** The benchmark it belongs to, e.g. "fan-in". */
  bench: string;
  name: string;
  value: number;
  unit: string;
  /** Passes when `value <= max` and `value >= min` (each when set). */
  target?: { max?: number; min?: number; text: string };
  /** What the number depends on, for the JSON. */
  detail?: Record<string, unknown>;
}

export type Verdict = "PASS" | "FAIL" | "";

export function verdict(figure: Figure): Verdict {
  if (!figure.target) return "";
  const { max, min } = figure.target;
  return (max === undefined || figure.value <= max) && (min === undefined || figure.value >= min) ? "PASS" : "FAIL";
}

export function median(values: readonly number[]): number {
  if (!values.length) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Milliseconds `work` takes, with the value it resolved to. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

export const round = (value: number, digits = 0): number => Number(value.toFixed(digits));

export const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1);

export function formatValue(figure: Figure): string {
  const digits = figure.unit === "×" ? 2 : Number.isInteger(figure.value) ? 0 : 1;
  const value = figure.value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return figure.unit === "×" ? `${value}×` : `${value} ${figure.unit}`;
}

/** A fixed-width table: benchmark, figure, value, target, result. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [f.bench, f.name, formatValue(f), f.target?.text ?? "", verdict(f)]);
  const header = ["Benchmark", "Figure", "Value", "Target", "Result"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 2 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n") + "\n";
}
