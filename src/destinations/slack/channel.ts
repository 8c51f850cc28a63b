import type { Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import type { ReportChannel, ReportFormat } from "../discord/deliver.js";
import type { SlackMessage } from "./blocks.js";
import type { SlackOptions } from "./options.js";
import { slackAlertMessages, toSlackMessages } from "./render.js";
import { renderSlackText } from "./render-text.js";
import { createSlackWebhookClient, type SlackDeliveryOptions } from "./webhook.js";

/** How Slack renders, without a webhook: enough for a dry run whose URL is unset. */
export const slackFormat: ReportFormat<SlackMessage> = {
  reportMessages: toSlackMessages,
  alertMessages: slackAlertMessages,
  text: renderSlackText,
};

/** The report channel of a Slack incoming webhook. */
export function createSlackChannel(
  options: SlackOptions,
  deps: { destination: string; secrets: Secrets; logger?: Logger } & SlackDeliveryOptions,
): ReportChannel<SlackMessage> {
  const webhook = createSlackWebhookClient(options.webhookUrl, deps);
  return { ...slackFormat, label: webhook.label, post: (message) => webhook.post(message) };
}
