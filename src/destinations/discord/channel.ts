import type { Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import type { ReportChannel, ReportFormat } from "./deliver.js";
import { alertMessages, attachChart, toDiscordMessages, type MessageOptions } from "./embeds.js";
import type { DiscordMessage } from "./limits.js";
import type { DiscordOptions } from "./options.js";
import { renderReportText } from "./render-text.js";
import { createWebhookClient, type WebhookDeliveryOptions } from "./webhook.js";

/** How Discord renders, without a webhook: enough for a dry run whose URL is unset. */
export function discordFormat(options: Pick<DiscordOptions, "username" | "avatarUrl">): ReportFormat<DiscordMessage> {
  const message: MessageOptions = { username: options.username, avatarUrl: options.avatarUrl };
  return {
    reportMessages: (report) => toDiscordMessages(report, message),
    alertMessages: (snapshot, failures) => alertMessages(snapshot, failures, message),
    text: renderReportText,
  };
}

/** The report channel of a Discord webhook. */
export function createDiscordChannel(
  options: DiscordOptions,
  deps: { destination: string; secrets: Secrets; logger?: Logger } & WebhookDeliveryOptions,
): ReportChannel<DiscordMessage> {
  const webhook = createWebhookClient(options.webhookUrl, deps);
  const chart = options.chart === false ? undefined : { metrics: options.chartMetrics, attach: attachChart };
  return { ...discordFormat(options), label: webhook.label, legacyReportSent: true, post: (message) => webhook.execute(message), chart };
}
