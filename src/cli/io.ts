import type { Env } from "../config/load.js";
import type { Source } from "../types.js";
import type { Secrets } from "../log/secrets.js";

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
export function unredacted(stream: CliStream): CliStream {
  return (stream as RedactedStream)[UNREDACTED] ?? stream;
}
