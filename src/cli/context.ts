import { loadConfigFile, resolveConfigPath, type Config, type Env } from "../config/load.js";
import { createLogger, jsonLineSink, type Logger, type LogRecord } from "../log/logger.js";

/** What every command gets: the environment and streams are passed in, so tests run commands in-process. */
export interface CliIo {
  env: Env;
  stdout: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  stderr: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  now?: () => Date;
}

export async function loadCliConfig(path: string | undefined, io: CliIo): Promise<{ config: Config; path: string }> {
  const resolved = resolveConfigPath(path, io.env);
  return { config: await loadConfigFile(resolved, io.env), path: resolved };
}

/** On a terminal: warnings and errors as plain lines on stderr. Elsewhere: one JSON object a line on stdout. */
export function cliLogger(config: Config, io: CliIo): Logger {
  if (io.stdout.isTTY) {
    const sink = (record: LogRecord) => {
      if (record.severity === "WARNING" || record.severity === "ERROR") io.stderr.write(`${record.severity.toLowerCase()}: ${record.message}\n`);
    };
    return createLogger({ secrets: config.secrets, sink, minSeverity: "WARNING" });
  }
  return createLogger({ secrets: config.secrets, sink: jsonLineSink((line) => io.stdout.write(line)) });
}
