import * as z from "zod";
import type { Logger } from "../log/logger.js";
import type { Secrets } from "../log/secrets.js";
import { unionTypes } from "../config/union-types.js";
import type { Destination, HistoryStore } from "../types.js";
import { CONSOLE_TYPE, consoleOptionsSchema } from "./console.js";
import { DISCORD_TYPE, discordOptionsSchema } from "./discord/options.js";
import { FILE_TYPE, fileOptionsSchema } from "./file.js";
import { NOTION_TYPE, notionOptionsSchema } from "./notion/options.js";
import { SLACK_TYPE, slackOptionsSchema } from "./slack/options.js";

export const destinationSchema = z.discriminatedUnion("type", [
  consoleOptionsSchema,
  fileOptionsSchema,
  notionOptionsSchema,
  discordOptionsSchema,
  slackOptionsSchema,
]);

export type DestinationOptions = z.infer<typeof destinationSchema>;

export type DestinationType = DestinationOptions["type"];

/** Every destination `type` a config may use, read from `destinationSchema`. */
export const DESTINATION_TYPES: readonly DestinationType[] = unionTypes(destinationSchema);

/** The destination types that can serve as the history store. */
export const HISTORY_TYPES: readonly string[] = [NOTION_TYPE, FILE_TYPE];

export interface DestinationDeps {
  secrets: Secrets;
  logger: Logger;
  /** Where the console destination prints. */
  write?: (text: string) => void;
  /** The store a destination's own `history` option names. */
  history?: HistoryStore;
}

export function destinationName(options: DestinationOptions): string {
  return options.name ?? options.type;
}

/**
 * Builds the destination a config entry describes. Each kind's code (and its client library)
 * is imported only when a config uses it, so a run loads nothing it doesn't need.
 */
export async function createDestination(options: DestinationOptions, deps: DestinationDeps): Promise<Destination> {
  switch (options.type) {
    case CONSOLE_TYPE:
      return (await import("./console.js")).createConsoleDestination(options, deps);
    case FILE_TYPE:
      return (await import("./file.js")).createFileDestination(options);
    case NOTION_TYPE:
      return (await import("./notion/index.js")).createNotionDestination(options, deps);
    case DISCORD_TYPE:
      return (await import("./discord/destination.js")).createDiscordDestination(options, deps);
    case SLACK_TYPE:
      return (await import("./slack/destination.js")).createSlackDestination(options, deps);
  }
}
