import * as z from "zod";
import type { Logger } from "../log/logger.js";
import type { Secrets } from "../log/secrets.js";
import type { ReportChannel, ReportFormat } from "./discord/deliver.js";
import { DISCORD_TYPE, discordOptionsSchema, type DiscordOptions } from "./discord/options.js";
import type { DestinationOptions } from "./registry.js";
import { SLACK_TYPE, slackOptionsSchema, type SlackOptions } from "./slack/options.js";

/** A destination that posts the weekly report. */
export type ReportDestinationEntry = DiscordOptions | SlackOptions;

const REPORT_SCHEMAS = { [DISCORD_TYPE]: discordOptionsSchema, [SLACK_TYPE]: slackOptionsSchema } as const;

/** The destination types that post the weekly report. */
export const REPORT_TYPES: readonly string[] = Object.keys(REPORT_SCHEMAS);

/** Whether destinations of `type` post the weekly report. */
export function isReportType(type: string): type is ReportDestinationEntry["type"] {
  return Object.hasOwn(REPORT_SCHEMAS, type);
}

export function isReportDestination(options: DestinationOptions): options is ReportDestinationEntry {
  return isReportType(options.type);
}

/**
 * A report destination a dry run left out for its unset webhook, as options: the rest of it
 * (compareDays, labels, history) still shapes the report. Undefined when the rest is invalid too.
 */
export function leftOutReportOptions(entry: Record<string, unknown>): ReportDestinationEntry | undefined {
  const type = entry.type;
  if (typeof type !== "string" || !isReportType(type)) return undefined;
  const parsed = REPORT_SCHEMAS[type].extend({ webhookUrl: z.string() }).safeParse(entry);
  return parsed.success ? parsed.data : undefined;
}

/**
 * How a report destination renders, without posting. With none, Discord's (the first report
 * destination kpi-collector had) is what a dry run prints.
 */
export async function reportFormat(options?: ReportDestinationEntry): Promise<ReportFormat<unknown>> {
  if (options?.type === SLACK_TYPE) return (await import("./slack/channel.js")).slackFormat;
  return (await import("./discord/channel.js")).discordFormat(options ?? {});
}

/** The channel a report destination posts through. Its webhook URL becomes a secret. */
export async function createReportChannel(
  options: ReportDestinationEntry,
  deps: { destination: string; secrets: Secrets; logger?: Logger },
): Promise<ReportChannel<unknown>> {
  if (options.type === SLACK_TYPE) return (await import("./slack/channel.js")).createSlackChannel(options, deps);
  return (await import("./discord/channel.js")).createDiscordChannel(options, deps);
}
