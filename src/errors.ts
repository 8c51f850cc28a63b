/** Base of every error kpi-collector raises on purpose. */
export class KpiError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The config is invalid; `issues` lists each problem as `path: what is wrong`. */
export class ConfigError extends KpiError {
  readonly issues: string[];
  constructor(issues: string[]) {
    super("config_invalid", issues.length === 1 ? `Invalid config: ${issues[0]}` : `Invalid config:\n  - ${issues.join("\n  - ")}`);
    this.issues = issues;
  }
}

/** A source could not produce its numbers. */
export class SourceError extends KpiError {
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super("source_failed", `[${source}] ${message}`, options);
    this.source = source;
  }
}

/** A destination could not write the snapshot. */
export class DestinationError extends KpiError {
  readonly destination: string;
  constructor(destination: string, message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "destination_failed", `[${destination}] ${message}`, options);
    this.destination = destination;
  }
}

/** An HTTP exchange failed; the message never carries credentials. */
export class HttpError extends KpiError {
  readonly status?: number;
  constructor(code: string, message: string, options?: { status?: number; cause?: unknown }) {
    super(code, message, options);
    this.status = options?.status;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
