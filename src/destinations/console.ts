import { z } from "zod";
import { destinationBase } from "../config/common.js";
import type { Destination } from "../types.js";
import { formatSnapshotTable } from "../snapshot-table.js";

export const CONSOLE_TYPE = "console";

export const consoleOptionsSchema = z
  .object({ type: z.literal(CONSOLE_TYPE), ...destinationBase })
  .strict()
  .describe("Prints the snapshot as a table, with failures listed.");

export type ConsoleOptions = z.input<typeof consoleOptionsSchema>;

export function createConsoleDestination(options: ConsoleOptions, deps: { write?: (text: string) => void } = {}): Destination {
  const parsed = consoleOptionsSchema.parse(options);
  const write = deps.write ?? ((text: string) => process.stdout.write(text));
  return {
    name: parsed.name ?? CONSOLE_TYPE,
    jobs: parsed.jobs,
    async write(snapshot, context) {
      write(context.secrets.redact(formatSnapshotTable(snapshot)));
    },
  };
}
