import type { WeeklyReport } from "../../report/build-report.js";
import type { SlackMessage, SlackText } from "./blocks.js";
import { toSlackMessages } from "./render.js";

/** The report as plain text, rendered from the very blocks Slack gets, so the two can't drift apart. */
export function renderSlackText(report: WeeklyReport): string {
  return slackMessagesToText(toSlackMessages(report));
}

/** Webhook bodies as plain text: mrkdwn markers and escapes undone, messages separated by a rule. */
export function slackMessagesToText(messages: readonly SlackMessage[]): string {
  return messages
    .map((message) =>
      message.blocks
        .flatMap((block) => {
          if (block.type === "header") return [block.text.text];
          if (block.type === "context") return [block.elements.map(plain).join(" ")];
          if (block.type === "divider") return ["---"];
          return [...(block.text ? [plain(block.text)] : []), ...(block.fields ?? []).map((f) => plain(f).replace(/\n/g, "\n  "))];
        })
        .join("\n\n"),
    )
    .join("\n\n---\n\n");
}

function plain(text: SlackText): string {
  if (text.type === "plain_text") return text.text;
  return text.text.replace(/[*`]/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
