import { z } from "zod";
import type { Logger } from "../log/logger.js";
import type { Secrets } from "../log/secrets.js";
import type { Destination } from "../types.js";
import { CONSOLE_TYPE, consoleOptionsSchema, createConsoleDestination } from "./console.js";
import { FILE_TYPE, createFileDestination, fileOptionsSchema } from "./file.js";

export const destinationSchema = z.discriminatedUnion("type", [consoleOptionsSchema, fileOptionsSchema]);

export type DestinationOptions = z.infer<typeof destinationSchema>;

export const DESTINATION_TYPES = [CONSOLE_TYPE, FILE_TYPE] as const;

/** The destination types that can serve as the history store. */
export const HISTORY_TYPES: readonly string[] = [FILE_TYPE];

export interface DestinationDeps {
  secrets: Secrets;
  logger: Logger;
  /** Where the console destination prints. */
  write?: (text: string) => void;
}

export function destinationName(options: DestinationOptions): string {
  return options.name ?? options.type;
}

export function createDestination(options: DestinationOptions, deps: DestinationDeps): Destination {
  switch (options.type) {
    case CONSOLE_TYPE:
      return createConsoleDestination(options, deps);
    case FILE_TYPE:
      return createFileDestination(options);
  }
}
