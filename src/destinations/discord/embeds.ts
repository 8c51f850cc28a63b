import type { MetricLine, WeeklyReport } from "../../report/build-report.js";
import type { ChartImage } from "../../report/chart-image.js";
import { truncate } from "../../report/truncate.js";
import { comparisonSentence, metricLines, mixedComparison, type Markup } from "../../report/wording.js";
import type { Snapshot, SourceFailure } from "../../types.js";
import { DISCORD_LIMITS as L, embedSize, type DiscordEmbed, type DiscordMessage } from "./limits.js";
import { escapeMarkdown } from "./markdown.js";
import { northStarViewLines } from "../../report/north-star-text.js";

export const COLORS = { better: 0x57f287, worse: 0xed4245, neutral: 0x95a5a6 } as const;

const MARKDOWN: Markup = { bold: (text) => `**${text}**`, code: (text) => `\`${text}\``, escape: escapeMarkdown };

export interface MessageOptions {
  username?: string;
  avatarUrl?: string;
}

/** A failure reason is cut to this, so one long error can't crowd out the others. */
const MAX_REASON = 300;

/** The report as webhook bodies, in order, each within every Discord limit. */
export function toDiscordMessages(report: WeeklyReport, options: MessageOptions = {}): DiscordMessage[] {
  const color = reportColor(report);
  const embeds = packFields(
    headerEmbed(report, color),
    report.metrics.map((m) => metricField(m, report)),
    color,
  );
  if (report.failures.length) embeds.push(...failureEmbeds("Sources that failed this run", report.failures, COLORS.worse));
  return packMessages(embeds, options);
}

export function reportColor(report: WeeklyReport): number {
  const verdict = report.northStar?.verdict;
  return verdict === "better" ? COLORS.better : verdict === "worse" ? COLORS.worse : COLORS.neutral;
}

function headerEmbed(report: WeeklyReport, color: number): DiscordEmbed {
  const lines: string[] = [];
  if (report.northStar) {
    const [now, was] = metricLines(report.northStar, report, MARKDOWN);
    lines.push(`⭐ **${escapeMarkdown(report.northStar.label)}**: ${now}`, was);
    if (report.northStarBlock) lines.push(...northStarViewLines(report.northStarBlock, report.currency, MARKDOWN));
  }
  lines.push(comparisonText(report));
  return { title: `Weekly KPI report — ${report.date}`, description: truncate(lines.join("\n"), L.description), color };
}

function comparisonText(report: WeeklyReport): string {
  const note = mixedComparison(report) ? " A metric missing there is compared with the latest earlier row that has it, dated below." : "";
  return comparisonSentence(report, MARKDOWN) + note;
}

function metricField(line: MetricLine, report: WeeklyReport): NonNullable<DiscordEmbed["fields"]>[number] {
  return {
    name: truncate(escapeMarkdown(line.label), L.fieldName),
    value: truncate(metricLines(line, report, MARKDOWN).join("\n"), L.fieldValue),
    inline: true,
  };
}

/** Fields go into embeds in order, starting with `first`, each embed within 25 fields and the 6,000 total. */
function packFields(first: DiscordEmbed, fields: NonNullable<DiscordEmbed["fields"]>, color: number): DiscordEmbed[] {
  const embeds = [first];
  let current = first;
  for (const field of fields) {
    const count = current.fields?.length ?? 0;
    if (count >= L.fields || embedSize(current) + field.name.length + field.value.length > L.total) {
      current = { color };
      embeds.push(current);
    }
    (current.fields ??= []).push(field);
  }
  return embeds;
}

/** A short alert naming the sources that failed, as webhook bodies. */
export function alertMessages(snapshot: Pick<Snapshot, "date" | "job">, failures: readonly SourceFailure[], options: MessageOptions = {}): DiscordMessage[] {
  const count = failures.length === 1 ? "1 source failed" : `${failures.length} sources failed`;
  return packMessages(failureEmbeds(`⚠️ ${count}: ${snapshot.job} run of ${snapshot.date}`, failures, COLORS.worse), options);
}

/** One line per failed source, split across embeds when a description would overflow. */
function failureEmbeds(title: string, failures: readonly SourceFailure[], color: number): DiscordEmbed[] {
  const chunks: string[] = [];
  for (const f of failures) {
    const line = truncate(`- **${escapeMarkdown(f.source)}**: ${escapeMarkdown(truncate(f.error, MAX_REASON))}`, L.description);
    const last = chunks.length - 1;
    if (last >= 0 && (chunks[last] as string).length + 1 + line.length <= L.description) chunks[last] += `\n${line}`;
    else chunks.push(line);
  }
  return chunks.map((description, i) => (i === 0 ? { title, description, color } : { description, color }));
}

/** Embeds go into messages in order, each message within 10 embeds and the 6,000 total. */
function packMessages(embeds: DiscordEmbed[], options: MessageOptions = {}): DiscordMessage[] {
  const messages: DiscordMessage[] = [];
  let current: DiscordEmbed[] = [];
  let size = 0;
  const flush = () => {
    if (!current.length) return;
    messages.push({
      ...(options.username ? { username: options.username } : {}),
      ...(options.avatarUrl ? { avatar_url: options.avatarUrl } : {}),
      embeds: current,
      allowed_mentions: { parse: [] },
    });
    current = [];
    size = 0;
  };
  for (const embed of embeds) {
    const add = embedSize(embed);
    if (current.length >= L.embeds || size + add > L.total) flush();
    current.push(embed);
    size += add;
  }
  flush();
  return messages;
}

/** The report's first message with the chart uploaded and shown as its first embed's image. */
export function attachChart(messages: DiscordMessage[], image: ChartImage): DiscordMessage[] {
  const [first, ...rest] = messages;
  if (!first) return messages;
  const [embed, ...embeds] = first.embeds ?? [];
  const shown = { ...(embed ?? {}), image: { url: `attachment://${image.filename}` } };
  const upload = { filename: image.filename, contentType: "image/png", data: image.png, description: image.description };
  return [{ ...first, embeds: [shown, ...embeds], files: [...(first.files ?? []), upload] }, ...rest];
}
