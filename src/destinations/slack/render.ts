import type { WeeklyReport } from "../../report/build-report.js";
import { ARROWS, formatPercentChange, formatValue } from "../../report/format.js";
import { truncate } from "../../report/truncate.js";
import { comparisonSentence, metricLines, mixedComparison, type Markup } from "../../report/wording.js";
import { northStarViewLines } from "../../report/north-star-text.js";
import type { Snapshot, SourceFailure } from "../../types.js";
import { escapeMrkdwn as esc, mrkdwn, SLACK_LIMITS as L, truncateMrkdwn, type SlackBlock, type SlackMessage } from "./blocks.js";

const MRKDWN: Markup = { bold: (text) => `*${text}*`, code: (text) => `\`${text}\``, escape: esc };

/** A failure reason is cut to this, so one long error can't crowd out the others. */
const MAX_REASON = 300;

/**
 * The report as webhook bodies, in order, each within every Block Kit limit: a header with the
 * date, the north star, the metrics as section fields, the comparison date, then the failed sources.
 */
export function toSlackMessages(report: WeeklyReport): SlackMessage[] {
  const title = `Weekly KPI report — ${report.date}`;
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: truncate(title, L.headerText), emoji: true } }];
  if (report.northStar) {
    const [now, was] = metricLines(report.northStar, report, MRKDWN);
    const views = report.northStarBlock ? northStarViewLines(report.northStarBlock, report.currency, MRKDWN) : [];
    blocks.push({ type: "section", text: mrkdwn(truncateMrkdwn([`⭐ *${esc(report.northStar.label)}*: ${now}`, was, ...views].join("\n"), L.sectionText)) });
  }
  for (let i = 0; i < report.metrics.length; i += L.fields) {
    const fields = report.metrics
      .slice(i, i + L.fields)
      .map((line) => mrkdwn(truncateMrkdwn(`*${esc(line.label)}*\n${metricLines(line, report, MRKDWN).join("\n")}`, L.fieldText)));
    blocks.push({ type: "section", fields });
  }
  blocks.push({ type: "context", elements: [mrkdwn(comparisonText(report))] });
  if (report.failures.length) blocks.push(...failureSections("Sources that failed this run", report.failures));
  return packMessages(blocks, esc(title + summary(report)));
}

/** A short alert naming the sources that failed. */
export function slackAlertMessages(snapshot: Pick<Snapshot, "date" | "job">, failures: readonly SourceFailure[]): SlackMessage[] {
  const count = failures.length === 1 ? "1 source failed" : `${failures.length} sources failed`;
  const title = `⚠️ ${count}: ${snapshot.job} run of ${snapshot.date}`;
  const names = failures.map((f) => f.source).join(", ");
  return packMessages(failureSections(title, failures), truncateMrkdwn(esc(`${title} (${names})`), L.text));
}

/** The notification line: the north star's value and change, when there is one. */
function summary(report: WeeklyReport): string {
  const star = report.northStar;
  if (!star || star.value === undefined) return "";
  const change = star.percent === undefined ? "" : ` ${ARROWS[star.direction ?? "same"]} ${formatPercentChange(star.percent)}`;
  return `: ${truncate(star.label, 200)} ${formatValue(star.value, star.format, report.currency)}${change}`;
}

function comparisonText(report: WeeklyReport): string {
  const note = mixedComparison(report) ? " A metric missing there is compared with the latest earlier row that has it, dated in its field." : "";
  return comparisonSentence(report, MRKDWN) + note;
}

/** One line per failed source, the title first, split across sections when one would overflow. */
function failureSections(title: string, failures: readonly SourceFailure[]): SlackBlock[] {
  const chunks: string[] = [];
  const lines = [`*${esc(title)}*`, ...failures.map((f) => `• *${esc(f.source)}*: ${esc(truncate(f.error, MAX_REASON))}`)];
  for (const line of lines.map((l) => truncateMrkdwn(l, L.sectionText))) {
    const last = chunks.length - 1;
    if (last >= 0 && (chunks[last] as string).length + 1 + line.length <= L.sectionText) chunks[last] += `\n${line}`;
    else chunks.push(line);
  }
  return chunks.map((text) => ({ type: "section", text: mrkdwn(text) }));
}

/** Blocks go into messages in order, 50 at most each; a message after the first says it continues. */
function packMessages(blocks: SlackBlock[], text: string): SlackMessage[] {
  const groups: SlackBlock[][] = [];
  for (let i = 0; i < blocks.length; i += L.blocks) groups.push(blocks.slice(i, i + L.blocks));
  return groups.map((group, i) => ({
    text: groups.length === 1 ? text : `${text} (${i + 1}/${groups.length})`,
    blocks: group,
    unfurl_links: false,
    unfurl_media: false,
  }));
}
