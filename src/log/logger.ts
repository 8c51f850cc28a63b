import type { Secrets } from "./secrets.js";

export type Severity = "DEBUG" | "INFO" | "WARNING" | "ERROR";

/** Structured fields Cloud Logging indexes; any other key is kept as is. */
export interface LogFields {
  job?: string;
  eventId?: string;
  source?: string;
  destination?: string;
  durationMs?: number;
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
 * Every line passes through `secrets.redact` after it is serialised,
 * so a secret nested anywhere in the fields is caught too.
 */
export function createLogger(options: { secrets: Secrets; sink: LogSink; minSeverity?: Severity; fields?: LogFields }): Logger {
  const order: Severity[] = ["DEBUG", "INFO", "WARNING", "ERROR"];
  const min = order.indexOf(options.minSeverity ?? "INFO");
  const base = options.fields ?? {};
  const emit = (severity: Severity, message: string, fields?: LogFields) => {
    if (order.indexOf(severity) < min) return;
    const raw = JSON.stringify({ severity, message, ...base, ...fields });
    options.sink(JSON.parse(options.secrets.redact(raw)) as LogRecord);
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
