import { loadConfigFile, resolveConfigPath, type Config, type LoadOptions } from "../config/load.js";
import { createLogger, jsonLineSink, type Logger, type LogRecord } from "../log/logger.js";
import { printableLine } from "../printable.js";
import { unredacted, type CliIo } from "./io.js";

export type { CliIo } from "./io.js";

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
