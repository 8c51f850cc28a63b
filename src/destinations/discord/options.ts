import * as z from "zod";
import { reportDestinationFields, webhookUrlSchema } from "../report-options.js";

export const DISCORD_TYPE = "discord";

/** `…/api/webhooks/ID/TOKEN`, the `/api/v10/…` form included. */
const WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/]+)\/?$/;

/** Words Discord refuses anywhere in a webhook's name, in any case. */
const RESERVED_NAME = /discord|clyde/i;

const webhookUrl = webhookUrlSchema(
  WEBHOOK_PATH,
  "must be a Discord webhook URL such as https://discord.com/api/webhooks/ID/TOKEN",
  "^https?://[^\\s/?#]+/api(?:/v\\d+)?/webhooks/\\d+/[^\\s/?#]+/?(?:[?#][^\\s]*)?$",
);

/** A Discord channel that gets the weekly report and failure alerts. */
export const discordOptionsSchema = z
  .object({
    type: z.literal(DISCORD_TYPE),
    ...reportDestinationFields,
    /** The webhook URL, usually `${DISCORD_WEBHOOK_URL}`. A secret: never logged. */
    webhookUrl,
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
    /** Attach the weekly report's chart image (North Star on top, a panel per metric). @default true */
    chart: z.boolean().optional(),
    /** The metrics that get a panel in the chart, in this order (at most 12 are drawn). @default the report's metrics */
    chartMetrics: z.array(z.string().min(1)).min(1).optional(),
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
