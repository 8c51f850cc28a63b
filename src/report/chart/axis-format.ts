import type { MetricFormat } from "../format.js";

const UNITS: [number, string][] = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "k"],
];

/** A short axis label: `1.2k`, `$3.4M`, `12%`; up to two decimals, no float noise. */
export function axisLabel(value: number, format: MetricFormat, currency = "USD"): string {
  const magnitude = Math.abs(value);
  const [scale, suffix] = UNITS.find(([s]) => magnitude >= s) ?? [1, ""];
  const digits = Number((magnitude / scale).toFixed(2)).toString();
  const sign = value < 0 ? "-" : "";
  if (format === "percent") return `${sign}${digits}${suffix}%`;
  if (format === "currency") return `${sign}${currencySymbol(currency)}${digits}${suffix}`;
  return `${sign}${digits}${suffix}`;
}

function currencySymbol(currency: string): string {
  const parts = new Intl.NumberFormat("en-US", { style: "currency", currency }).formatToParts(0);
  return parts.find((p) => p.type === "currency")?.value ?? `${currency} `;
}
