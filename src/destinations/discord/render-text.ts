import type { WeeklyReport } from "../../report/build-report.js";
import { toDiscordMessages } from "./embeds.js";
import type { DiscordMessage } from "./limits.js";

/**
 * The report as plain text, for a terminal or the demo preview. It renders the very
 * embeds Discord gets, so the two can't drift apart.
 */
export function renderReportText(report: WeeklyReport): string {
  return messagesToText(toDiscordMessages(report));
}

/** Webhook bodies as plain text: markdown markers dropped, messages separated by a rule. */
export function messagesToText(messages: readonly DiscordMessage[]): string {
  return messages
    .map((message) => {
      const blocks: string[] = [];
      if (message.content) blocks.push(plain(message.content));
      for (const embed of message.embeds ?? []) {
        const head = [embed.author?.name, embed.title, embed.description].filter((t): t is string => !!t).map(plain);
        if (head.length) blocks.push(head.join("\n"));
        for (const field of embed.fields ?? []) {
          blocks.push(`${plain(field.name)}\n${plain(field.value).replace(/^/gm, "  ")}`);
        }
        if (embed.footer?.text) blocks.push(plain(embed.footer.text));
      }
      return blocks.join("\n\n");
    })
    .join("\n\n---\n\n");
}

/** Undoes the markdown reports use: `**bold**`, `` `code` `` and backslash escapes. */
function plain(text: string): string {
  return text.replace(/\\(.)|\*\*|`/g, (_match, escaped: string | undefined) => escaped ?? "");
}
