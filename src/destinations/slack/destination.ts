import type { Destination } from "../../types.js";
import { createReportDestination, type ReportDestinationDeps } from "../report-destination.js";
import { SLACK_TYPE, type SlackOptions } from "./options.js";
import type { SlackDeliveryOptions } from "./webhook.js";

export interface SlackDeps extends ReportDestinationDeps, SlackDeliveryOptions {}

/** A Slack channel, through an incoming webhook, that gets the weekly report and failure alerts. */
export function createSlackDestination(options: SlackOptions, deps: SlackDeps): Destination {
  const name = options.name ?? SLACK_TYPE;
  return createReportDestination(name, options, async () => (await import("./channel.js")).createSlackChannel(options, { ...deps, destination: name }), deps);
}
