import { loadConfigFile, resolveConfigPath, type Config, type Env, type LoadOptions } from "../config/load.js";
import type { Source } from "../types.js";
import { createLogger, jsonLineSink, type Logger, type LogRecord } from "../log/logger.js";
import { printableLine } from "../printable.js";

/** What every command gets: the environment and streams are passed in, so tests run commands in-process. */
export interface CliIo {
  env: Env;
  stdout: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean; columns?: number };
  now?: () => Date;
  /** Sources written in TypeScript. @default `customSources` of src/custom-sources.ts */
  customSources?: readonly Source[];
}

/** Loads the config; destinations a dry run leaves out (see `LoadOptions.leaveOut`) are warned about on stderr. */
export async function loadCliConfig(path: string | undefined, io: CliIo, options: LoadOptions = {}): Promise<{ config: Config; path: string }> {
  const resolved = resolveConfigPath(path, io.env);
  const config = await loadConfigFile(resolved, io.env, options);
  for (const destination of config.leftOut ?? []) io.stderr.write(`warning: ${printableLine(destination.message)}\n`);
  return { config, path: resolved };
}

/**
 * On a terminal: warnings and errors as plain lines on stderr, held back while `deferred()` is true
 * so they don't tear the live progress; `flush()` prints them. Elsewhere: one JSON object a line on stdout.
 */
export function cliLogger(config: Config, io: CliIo, deferred: () => boolean = () => false): { logger: Logger; flush: () => void } {
  if (io.stdout.isTTY) {
    const held: string[] = [];
    const flush = () => {
      for (const line of held.splice(0)) io.stderr.write(line);
    };
    const sink = (record: LogRecord) => {
      if (record.severity !== "WARNING" && record.severity !== "ERROR") return;
      held.push(`${record.severity.toLowerCase()}: ${printableLine(record.message)}\n`);
      if (!deferred()) flush();
    };
    return { logger: createLogger({ secrets: config.secrets, sink, minSeverity: "WARNING" }), flush };
  }
  return { logger: createLogger({ secrets: config.secrets, sink: jsonLineSink((line) => io.stdout.write(line)) }), flush: () => {} };
}
