import * as z from "zod";
import { destinationBase, metricName } from "../../config/common.js";
import { reportDestinationName } from "../../report/report-name.js";

export const DISCORD_TYPE = "discord";

/** `…/api/webhooks/ID/TOKEN`, the `/api/v10/…` form included. */
const WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/]+)\/?$/;

/** Words Discord refuses anywhere in a webhook's name, in any case. */
const RESERVED_NAME = /discord|clyde/i;

// The message never repeats the value: it is a secret.
const webhookUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && WEBHOOK_PATH.test(url.pathname);
    } catch {
      return false;
    }
  },
  { message: "must be a Discord webhook URL such as https://discord.com/api/webhooks/ID/TOKEN" },
).meta({ pattern: "^https?://[^\\s/?#]+/api(?:/v\\d+)?/webhooks/\\d+/[^\\s/?#]+/?(?:[?#][^\\s]*)?$" });

const metricDisplay = z
  .object({
    /** @default the metric name */
    label: z.string().min(1).max(200).optional(),
    /** @default false */
    lowerIsBetter: z.boolean().optional(),
    /** @default "number" */
    format: z.enum(["number", "percent", "currency"]).optional(),
  })
  .strict();

/** A Discord channel that gets the weekly report and failure alerts. */
export const discordOptionsSchema = z
  .object({
    type: z.literal(DISCORD_TYPE),
    ...destinationBase,
    /** Unique among destinations; also its mark in history's `Reported to`. @default "discord" */
    name: reportDestinationName,
    /** The webhook URL, usually `${DISCORD_WEBHOOK_URL}`. A secret: never logged. */
    webhookUrl,
    /** The jobs that post the weekly report. Alerts post on any job while `alertOnFailure` is on. @default ["weekly-report"] */
    jobs: destinationBase.jobs,
    /** Compare with the row this many days earlier (or the nearest earlier within 7 more days). @default 14 */
    compareDays: z.number().int().positive().max(366).optional(),
    /** Overrides the webhook's name. Discord refuses names containing "discord" or "clyde". */
    username: z
      .string()
      .min(1)
      .max(80)
      .refine((name) => !RESERVED_NAME.test(name), { message: `can't contain "discord" or "clyde" (any case): Discord refuses such a webhook name with a 400` })
      .meta({ pattern: "^(?![\\s\\S]*(?:[dD][iI][sS][cC][oO][rR][dD]|[cC][lL][yY][dD][eE]))" })
      .optional(),
    /** Overrides the webhook's avatar. */
    avatarUrl: z.url().optional(),
    /** Labels and formats, by metric name; listed metrics come first in the report. */
    metrics: z.record(metricName, metricDisplay).optional(),
    /** ISO 4217 code for `currency` metrics. @default "USD" */
    currency: z.string().regex(/^[A-Z]{3}$/, "use a 3-letter currency code such as USD").optional(),
    /** Post a short alert when sources fail, at most once per source a day. @default true */
    alertOnFailure: z.boolean().optional(),
    /** The name of the destination that holds history. @default the first notion or file destination */
    history: z.string().min(1).optional(),
  })
  .strict();

export type DiscordOptions = z.infer<typeof discordOptionsSchema>;

/** The webhook's id, which is not secret, or undefined for a URL that is no webhook. */
export function webhookId(url: string): string | undefined {
  try {
    return WEBHOOK_PATH.exec(new URL(url).pathname)?.[1];
  } catch {
    return undefined;
  }
}
