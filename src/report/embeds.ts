import type { SourceFailure } from "../types.js";
import { comparisonAge, type MetricLine, type WeeklyReport } from "./build-report.js";
import { COLORS, DISCORD_LIMITS as L, embedSize, escapeMarkdown, truncate, type DiscordEmbed, type DiscordMessage } from "./discord-limits.js";
import { ARROWS, formatDelta, formatPercentChange, formatValue, NOT_AVAILABLE } from "./format.js";
import { sparkline } from "./sparkline.js";
import { northStarViewLines } from "./north-star-text.js";

export interface MessageOptions {
  username?: string;
  avatarUrl?: string;
}

/** A failure reason is cut to this, so one long error can't crowd out the others. */
const MAX_REASON = 300;

/** The report as webhook bodies, in order, each within every Discord limit. */
export function toDiscordMessages(report: WeeklyReport, options: MessageOptions = {}): DiscordMessage[] {
  const color = reportColor(report);
  const embeds = packFields(headerEmbed(report, color), report.metrics.map((m) => metricField(m, report)), color);
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
    const [now, was] = metricText(report.northStar, report);
    lines.push(`⭐ **${escapeMarkdown(report.northStar.label)}**: ${now}`, was);
    if (report.northStarBlock) lines.push(...northStarViewLines(report.northStarBlock, report.currency));
  }
  lines.push(comparisonText(report));
  return { title: `Weekly KPI report — ${report.date}`, description: truncate(lines.join("\n"), L.description), color };
}

function comparisonText(report: WeeklyReport): string {
  if (report.baseline) return "No earlier history: this report is the baseline.";
  const age = comparisonAge(report);
  if (report.comparisonDate === undefined) return `No row from the ${report.compareDays} to ${report.compareDays + 7} days before to compare with.`;
  const when = age === report.compareDays ? `${age} days earlier` : `${age} days earlier, the nearest row before ${report.compareDays} days`;
  const mixed = [report.northStar, ...report.metrics].some((l) => l?.comparisonDate && l.comparisonDate !== report.comparisonDate);
  const note = mixed ? " A metric missing there is compared with the latest earlier row that has it, dated below." : "";
  return `Compared with **${report.comparisonDate}** (${when}).${note}`;
}

/** Two lines: the value with its change, then the earlier value (dated when not the report's comparison date) and the trend. */
function metricText(line: MetricLine, report: WeeklyReport): [string, string] {
  const { currency } = report;
  const now = `**${formatValue(line.value, line.format, currency)}**`;
  let change: string;
  if (line.value === undefined) change = "(no value this run)";
  else if (line.delta === undefined) change = `(change ${NOT_AVAILABLE})`;
  else change = `${ARROWS[line.direction ?? "same"]} ${formatDelta(line.delta, line.format, currency)} (${formatPercentChange(line.percent)})`;
  const spark = sparkline(line.weekly);
  const dated = line.comparisonDate && line.comparisonDate !== report.comparisonDate ? ` on ${line.comparisonDate}` : "";
  const note = line.note ? ` · ${escapeMarkdown(line.note)}` : "";
  const was = `was ${formatValue(line.previous, line.format, currency)}${dated}${spark ? ` · \`${spark}\`` : ""}${note}`;
  return [`${now} ${change}`, was];
}

function metricField(line: MetricLine, report: WeeklyReport): NonNullable<DiscordEmbed["fields"]>[number] {
  return {
    name: truncate(escapeMarkdown(line.label), L.fieldName),
    value: truncate(metricText(line, report).join("\n"), L.fieldValue),
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

/** One line per failed source, split across embeds when a description would overflow. */
export function failureEmbeds(title: string, failures: readonly SourceFailure[], color: number): DiscordEmbed[] {
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
export function packMessages(embeds: DiscordEmbed[], options: MessageOptions = {}): DiscordMessage[] {
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
