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

/** One JSON object a line, in Cloud Logging's format. */
export function jsonLineSink(write: (line: string) => void = (line) => process.stdout.write(line)): LogSink {
  return (record) => write(JSON.stringify(record) + "\n");
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
    options.sink({ severity, message: options.secrets.redact(message), ...redacted } as LogRecord);
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
