import * as z from "zod";
import { reportDestinationFields, webhookUrlSchema } from "../report-options.js";

export const SLACK_TYPE = "slack";

/** `…/services/T…/B…/SECRET`: the team id, the webhook's (bot's) id, then the secret part. */
const WEBHOOK_PATH = /^\/services\/(T[A-Z0-9]+)\/(B[A-Z0-9]+)\/([^/]+)\/?$/;

const webhookUrl = webhookUrlSchema(
  WEBHOOK_PATH,
  "must be a Slack incoming webhook URL such as https://hooks.slack.com/services/T…/B…/…",
  "^https?://[^\\s/?#]+/services/T[A-Z0-9]+/B[A-Z0-9]+/[^\\s/?#]+/?(?:[?#][^\\s]*)?$",
);

/** A Slack channel, through an incoming webhook, that gets the weekly report and failure alerts. */
export const slackOptionsSchema = z
  .object({
    type: z.literal(SLACK_TYPE),
    ...reportDestinationFields,
    /**
     * The incoming webhook URL, usually `${SLACK_WEBHOOK_URL}`. A secret: never logged. The channel,
     * name and icon come from the Slack app: a webhook can't override them.
     */
    webhookUrl,
  })
  .strict();

export type SlackOptions = z.infer<typeof slackOptionsSchema>;

/** `webhook T012…/B034…`: the start of the team and webhook ids, which are not secret; the rest of the URL is. */
export function slackWebhookLabel(url: string): string {
  let match: RegExpExecArray | null = null;
  try {
    match = WEBHOOK_PATH.exec(new URL(url).pathname);
  } catch {
    // not a URL: named by placeholders below
  }
  return `webhook ${(match?.[1] ?? "T???").slice(0, 4)}…/${(match?.[2] ?? "B???").slice(0, 4)}…`;
}
