import type { Secrets } from "./secrets.js";

export type Severity = "DEBUG" | "INFO" | "WARNING" | "ERROR";

/** Structured fields Cloud Logging indexes; any other key is kept as is. */
export interface LogFields {
  job?: string;
  eventId?: string;
  source?: string;
  destination?: string;
  durationMs?: number;
  /** Set on the line that reports a source's or a destination's failure. */
  event?: "source-failed" | "destination-failed";
  [key: string]: unknown;
}

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LogRecord extends LogFields {
  severity: Severity;
  message: string;
}

export type LogSink = (record: LogRecord) => void;

// What JSON.stringify leaves raw that a terminal tailing the log would act on (DEL, C1: `\u009b` is
// CSI on some; bidi controls) or some readers take for a line break (U+2028, U+2029). Written as
// `\u` escapes, the line parses to the same record.
const RAW_CONTROLS = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
const escapeControl = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** One JSON object a line, in Cloud Logging's format, in which no character a terminal acts on is left raw. */
export function jsonLineSink(write: (line: string) => void = (line) => process.stdout.write(line)): LogSink {
  return (record) => write(JSON.stringify(record).replace(RAW_CONTROLS, escapeControl) + "\n");
}

/**
 * Every record is redacted before it reaches the sink: the message and every string nested
 * in the fields. Redacting values, not the serialised line, keeps each line valid JSON
 * whatever a secret looks like (`"`, `null`, `1001`).
 */
export function createLogger(options: { secrets: Secrets; sink: LogSink; minSeverity?: Severity; fields?: LogFields }): Logger {
  const order: Severity[] = ["DEBUG", "INFO", "WARNING", "ERROR"];
  const min = order.indexOf(options.minSeverity ?? "INFO");
  const base = options.fields ?? {};
  const emit = (severity: Severity, message: string, fields?: LogFields) => {
    if (order.indexOf(severity) < min) return;
    const redacted = options.secrets.redactValue({ ...base, ...fields });
    options.sink({ severity, message: options.secrets.redact(message), ...redacted });
  };
  return {
    debug: (m, f) => emit("DEBUG", m, f),
    info: (m, f) => emit("INFO", m, f),
    warn: (m, f) => emit("WARNING", m, f),
    error: (m, f) => emit("ERROR", m, f),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything, for library use without logging. */
export function silentLogger(): Logger {
  const noop = () => {};
  const logger: Logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => logger };
  return logger;
}
