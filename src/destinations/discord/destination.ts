import type { Destination } from "../../types.js";
import { createReportDestination, type ReportDestinationDeps } from "../report-destination.js";
import { DISCORD_TYPE, type DiscordOptions } from "./options.js";
import type { WebhookDeliveryOptions } from "./webhook.js";

export interface DiscordDeps extends ReportDestinationDeps, WebhookDeliveryOptions {}

/** A Discord channel, through a webhook, that gets the weekly report and failure alerts. */
export function createDiscordDestination(options: DiscordOptions, deps: DiscordDeps): Destination {
  const name = options.name ?? DISCORD_TYPE;
  return createReportDestination(name, options, async () => (await import("./channel.js")).createDiscordChannel(options, { ...deps, destination: name }), deps);
}
