/** How a metric's numbers are written in reports. */
export type MetricFormat = "number" | "percent" | "currency";

/** How one metric appears in reports. */
export interface MetricDisplay {
  /** @default the metric name */
  label?: string;
  /** A fall is good news (churn, costs, response time). @default false */
  lowerIsBetter?: boolean;
  /**
   * `percent` values are points (`12.5` reads `12.5%`) and their changes `pp`;
   * `currency` uses the report's currency.
   * @default "number"
   */
  format?: MetricFormat;
}

export type Direction = "up" | "down" | "same";

export const ARROWS: Record<Direction, string> = { up: "▲", down: "▼", same: "=" };

export const NOT_AVAILABLE = "n/a";

// Fixed to en-US: a report must read the same whatever locale the machine runs in.
const LOCALE = "en-US";
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(LOCALE, options)));
  return format;
}

/** Drops float noise such as 0.1 + 0.2 = 0.30000000000000004, and -0: for computed ratios, never for stored values. */
export function clean(value: number): number {
  const rounded = Number(value.toPrecision(12));
  return rounded === 0 ? 0 : rounded;
}

/**
 * `value - previous` without float noise: rounded to 14 significant digits of the larger
 * operand, so 0.1 + 0.2 - 0.3 is 0 while 1234567890123 - 1234567890000 stays 123.
 */
export function difference(value: number, previous: number): number {
  const delta = value - previous;
  const scale = Math.max(Math.abs(value), Math.abs(previous));
  if (delta === 0 || !Number.isFinite(delta)) return delta === 0 ? 0 : delta;
  const digits = Math.min(300, Math.max(-300, 13 - Math.floor(Math.log10(scale))));
  const rounded = digits >= 0 ? Math.round(delta * 10 ** digits) / 10 ** digits : Math.round(delta / 10 ** -digits) * 10 ** -digits;
  return rounded === 0 ? 0 : rounded;
}

/** A value as people read it: `12,345`, `$1,234.50`, `12.5%`. Every integer digit is kept. */
export function formatValue(value: number | undefined, format: MetricFormat = "number", currency = "USD"): string {
  if (value === undefined || !Number.isFinite(value)) return NOT_AVAILABLE;
  const v = value === 0 ? 0 : value;
  if (format === "currency") {
    // Whole amounts (to the cent) show no cents.
    const digits = Math.round(Math.abs(v) * 100) % 100 === 0 ? 0 : 2;
    return numberFormat({ style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
  }
  const text = numberFormat({ maximumFractionDigits: 2 }).format(v);
  return format === "percent" ? `${text}%` : text;
}

/** An absolute change with its sign: `+12`, `-$40`, `+1.5 pp`; `±0` when it reads as zero. */
export function formatDelta(delta: number | undefined, format: MetricFormat = "number", currency = "USD"): string {
  if (delta === undefined || !Number.isFinite(delta)) return NOT_AVAILABLE;
  const magnitude = format === "percent" ? `${formatValue(Math.abs(delta))} pp` : formatValue(Math.abs(delta), format, currency);
  const sign = !/[1-9]/.test(magnitude) ? "±" : delta > 0 ? "+" : "-";
  return `${sign}${magnitude}`;
}

/** A relative change, one decimal: `+8.1%`; `n/a` when there is no baseline to divide by. */
export function formatPercentChange(percent: number | undefined): string {
  if (percent === undefined || !Number.isFinite(percent)) return NOT_AVAILABLE;
  const p = clean(Number(percent.toFixed(1)));
  const sign = p > 0 ? "+" : p < 0 ? "-" : "±";
  return `${sign}${numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(p))}%`;
}

/** The sign of a change; `difference()` has already dropped float noise. */
export function direction(delta: number): Direction {
  return delta > 0 ? "up" : delta < 0 ? "down" : "same";
}
