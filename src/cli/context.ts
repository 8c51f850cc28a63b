import { loadConfigFile, resolveConfigPath, type Config, type Env, type LoadOptions } from "../config/load.js";
import type { Source } from "../types.js";
import { createLogger, jsonLineSink, type Logger, type LogRecord } from "../log/logger.js";
import type { Secrets } from "../log/secrets.js";
import { printableLine } from "../printable.js";

type CliStream = NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean; columns?: number };

/** What every command gets: the environment and streams are passed in, so tests run commands in-process. */
export interface CliIo {
  env: Env;
  stdout: CliStream;
  stderr: CliStream;
  /**
   * The registry every write to `stdout` and `stderr` is redacted with (see `redactedIo`);
   * commands add the config's secrets to it as soon as it loads.
   */
  secrets?: Secrets;
  now?: () => Date;
  /** Sources written in TypeScript. @default `customSources` of src/custom-sources.ts */
  customSources?: readonly Source[];
}

/** Loads the config; destinations a dry run leaves out (see `LoadOptions.leaveOut`) are warned about on stderr. */
export async function loadCliConfig(path: string | undefined, io: CliIo, options: LoadOptions = {}): Promise<{ config: Config; path: string }> {
  const resolved = resolveConfigPath(path, io.env);
  const loaded = await loadConfigFile(resolved, io.env, options);
  // One registry for the run: what sources add (session cookies) reaches the streams' redaction too.
  const config = io.secrets ? { ...loaded, secrets: io.secrets.add(...loaded.secrets.list()) } : loaded;
  for (const destination of config.leftOut ?? []) io.stderr.write(`warning: ${printableLine(destination.message)}\n`);
  return { config, path: resolved };
}

/**
 * On a terminal: warnings and errors as plain lines on stderr, held back while `deferred()` is true
 * so they don't tear the live progress; `flush()` prints them; `shownElsewhere` drops what the terminal
 * already shows (a failure the command prints itself). Elsewhere: one JSON object a line on stdout.
 */
export function cliLogger(
  config: Config,
  io: CliIo,
  deferred: () => boolean = () => false,
  shownElsewhere: (record: LogRecord) => boolean = () => false,
): { logger: Logger; flush: () => void } {
  if (io.stdout.isTTY) {
    const held: string[] = [];
    const flush = () => {
      for (const line of held.splice(0)) io.stderr.write(line);
    };
    const sink = (record: LogRecord) => {
      if ((record.severity !== "WARNING" && record.severity !== "ERROR") || shownElsewhere(record)) return;
      held.push(`${record.severity.toLowerCase()}: ${printableLine(record.message)}\n`);
      if (!deferred()) flush();
    };
    return { logger: createLogger({ secrets: config.secrets, sink, minSeverity: "WARNING" }), flush };
  }
  const stdout = unredacted(io.stdout);
  return { logger: createLogger({ secrets: config.secrets, sink: jsonLineSink((line) => stdout.write(line)) }), flush: () => {} };
}

const UNREDACTED = Symbol("unredacted");
type RedactedStream = CliStream & { [UNREDACTED]?: CliStream };

/**
 * `io` with `stdout` and `stderr` passing every write through `secrets.redact`: the CLI's
 * messages, tables, warnings and error lines, including those written straight to a stream.
 * Each write is redacted on its own, so a line is written whole, in one call.
 */
export function redactedIo(io: CliIo, secrets: Secrets): CliIo {
  const wrap = (stream: CliStream): RedactedStream => ({
    write: (text: string) => stream.write(secrets.redact(String(text))),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    [UNREDACTED]: stream,
  });
  return { ...io, secrets, stdout: wrap(io.stdout), stderr: wrap(io.stderr) };
}

/**
 * The stream under a redacted one, for JSON log lines: the logger redacted their values before
 * serialising, and redacting the line again as text could break its syntax (a secret `null`).
 */
function unredacted(stream: CliStream): CliStream {
  return (stream as RedactedStream)[UNREDACTED] ?? stream;
}
