import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { SLACK_LIMITS, type SlackMessage } from "../../src/destinations/slack/blocks.js";
import { slackAlertMessages, toSlackMessages } from "../../src/destinations/slack/render.js";
import { renderSlackText } from "../../src/destinations/slack/render-text.js";
import { createSlackWebhookClient } from "../../src/destinations/slack/webhook.js";
import { Secrets } from "../../src/log/secrets.js";
import { buildWeeklyReport, type ReportOptions } from "../../src/report/build-report.js";
import type { SourceFailure } from "../../src/types.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-server.js";
import { MemoryHistory, weeklyRows } from "../helpers/memory-history.js";

const DATE = "2024-06-10";
/** The North Star block under the north star's line: its 7- and 28-day views and the trend. */
const NORTH_STAR_VIEWS_MRKDWN =
  "vs 7 days ago: *$1,100* ▲ +$30 (+2.8%), was $1,070\nvs 28 days ago: *$1,100* ▲ +$60 (+5.8%), was $1,040\n↗ Rising: up on the 7 days (+2.8%) and up on the 28 days (+5.8%).";

async function report(metrics: Record<string, number>, options: ReportOptions = {}, failures: SourceFailure[] = []) {
  const history = new MemoryHistory(weeklyRows(DATE, 8, { mrr: 1000, users: 50 }, { mrr: 10, users: 1 }));
  return buildWeeklyReport({ date: DATE, metrics, failures }, history, { northStar: "mrr", ...options });
}

/** Every text object of every block, mrkdwn and plain. */
const texts = (messages: SlackMessage[]) =>
  messages.flatMap((m) =>
    m.blocks.flatMap((b) =>
      b.type === "header" ? [b.text] : b.type === "context" ? b.elements : b.type === "section" ? [...(b.text ? [b.text] : []), ...(b.fields ?? [])] : [],
    ),
  );

function assertWithinLimits(messages: SlackMessage[]): void {
  for (const message of messages) {
    expect(message.blocks.length).toBeGreaterThan(0);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeGreaterThan(0);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    for (const block of message.blocks) {
      if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      if (block.type === "section") {
        expect((block.text?.text ?? "").length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
        for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      }
    }
  }
}

describe("the Slack report", () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());

  /** Posts through the real client: the fake answers invalid_blocks for any broken limit. */
  async function post(messages: SlackMessage[]): Promise<void> {
    slack.messages.length = 0;
    const client = createSlackWebhookClient(slack.webhookUrl, { destination: "slack", secrets: new Secrets(), maxRetries: 0 });
    for (const message of messages) await client.post(message);
    expect(slack.messages).toHaveLength(messages.length);
  }

  it("leads with a dated header and the north star, then the metrics as fields, the comparison date, and the failures", async () => {
    const failures = [{ source: "stripe", error: "HTTP 500" }];
    const messages = toSlackMessages(await report({ mrr: 1100, users: 60 }, { metrics: { mrr: { label: "MRR", format: "currency" } } }, failures));
    expect(messages).toHaveLength(1);
    const [header, star, fields, context, failed] = messages[0]?.blocks ?? [];
    expect(header).toEqual({ type: "header", text: { type: "plain_text", text: `Weekly KPI report — ${DATE}`, emoji: true } });
    expect(star).toEqual({
      type: "section",
      text: { type: "mrkdwn", verbatim: true, text: "⭐ *MRR*: *$1,100* ▲ +$40 (+3.8%)\nwas $1,060 · `▁▁▂▃▄▅▆█`\n" + NORTH_STAR_VIEWS_MRKDWN },
    });
    expect(fields).toEqual({ type: "section", fields: [{ type: "mrkdwn", verbatim: true, text: "*users*\n*60* ▲ +4 (+7.1%)\nwas 56 · `▁▁▂▃▄▅▆█`" }] });
    expect(context).toEqual({ type: "context", elements: [{ type: "mrkdwn", verbatim: true, text: "Compared with *2024-05-27* (14 days earlier)." }] });
    expect(failed).toEqual({ type: "section", text: { type: "mrkdwn", verbatim: true, text: "*Sources that failed this run*\n• *stripe*: HTTP 500" } });
    expect(messages[0]?.text).toBe(`Weekly KPI report — ${DATE}: MRR $1,100 ▲ +3.8%`);
    expect(messages[0]).toMatchObject({ unfurl_links: false, unfurl_media: false });
    await post(messages);
  });

  it("reads as plain text for a dry run", async () => {
    const text = renderSlackText(await report({ mrr: 1100, users: 60 }));
    expect(text).toBe(
      [
        `Weekly KPI report — ${DATE}`,
        "⭐ mrr: 1,100 ▲ +40 (+3.8%)\nwas 1,060 · ▁▁▂▃▄▅▆█\nvs 7 days ago: 1,100 ▲ +30 (+2.8%), was 1,070\nvs 28 days ago: 1,100 ▲ +60 (+5.8%), was 1,040\n↗ Rising: up on the 7 days (+2.8%) and up on the 28 days (+5.8%).",
        "users\n  60 ▲ +4 (+7.1%)\n  was 56 · ▁▁▂▃▄▅▆█",
        "Compared with 2024-05-27 (14 days earlier).",
      ].join("\n\n"),
    );
  });

  it("escapes labels, source names and reasons, so nothing pings the channel or links anywhere", async () => {
    const hostile = "<!channel> <!here|here> <https://evil.example|click> <@U012AB3CD> &lt;!everyone&gt;";
    const failures = [{ source: "x<!here>", error: `bad: ${hostile}` }];
    const messages = toSlackMessages(
      await report({ mrr: 1100, users: 60 }, { metrics: { mrr: { label: hostile }, users: { label: "@here & #general" } } }, failures),
    );
    messages.push(...slackAlertMessages({ date: DATE, job: "daily" }, failures));
    const all = [
      ...texts(messages)
        .filter((t) => t.type === "mrkdwn")
        .map((t) => t.text),
      ...messages.map((m) => m.text),
    ];
    for (const text of all) expect(text).not.toMatch(/[<>]/);
    expect(all.join("\n")).toContain("&lt;!channel&gt; &lt;!here|here&gt; &lt;https://evil.example|click&gt; &lt;@U012AB3CD&gt; &amp;lt;!everyone&amp;gt;");
    // A plain @here or #channel is only left alone by Slack when the text is verbatim.
    for (const t of texts(messages)) if (t.type === "mrkdwn") expect(t.verbatim).toBe(true);
    expect(renderSlackText(await report({ mrr: 1 }, { metrics: { mrr: { label: hostile } } }))).toContain(`⭐ ${hostile}: 1`);
    await post(messages);
  });

  it("cuts a long escaped label without leaving half an entity", async () => {
    const messages = toSlackMessages(await report({ mrr: 1, users: 2 }, { metrics: { users: { label: "&".repeat(200) } } }));
    const field = texts(messages).find((t) => t.text.startsWith("*&amp;"));
    expect(field?.text).toMatch(new RegExp(`^\\*(&amp;){200}\\*\n\\*2\\* ▼ -54 \\(-96\\.4%\\)\nwas 56 · `));
    const long = toSlackMessages(await report({ mrr: 1 }, { metrics: { mrr: { label: "&".repeat(200) } } }, [{ source: "s", error: "&".repeat(5000) }]));
    assertWithinLimits(long);
    for (const t of texts(long)) expect(t.text).not.toMatch(/&[a-z]*…/);
    await post(long);
  });

  it("splits 600 metrics, long labels and 40 long failures into messages of at most 50 blocks, in order", async () => {
    const names = Array.from({ length: 600 }, (_, i) => `metric_${String(i).padStart(3, "0")}`);
    const metrics = Object.fromEntries(names.map((n, i) => [n, 1000 + i]));
    const display = Object.fromEntries(names.map((n) => [n, { label: `${n} ${"long label ".repeat(17)}` }]));
    const failures = Array.from({ length: 40 }, (_, i) => ({ source: `source_${i}`, error: `HTTP 503: ${"upstream unavailable ".repeat(20)}` }));
    const messages = toSlackMessages(await report(metrics, { metrics: display, northStar: "metric_000" }, failures));
    assertWithinLimits(messages);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.map((m) => m.text)).toEqual(
      messages.map((_, i) => `Weekly KPI report — ${DATE}: ${display.metric_000?.label} 1,000 (${i + 1}/${messages.length})`),
    );
    await post(messages);
    const labels = slack.messages.flatMap((m) => m.blocks.flatMap((b) => ((b.fields ?? []) as { text: string }[]).map((f) => f.text.slice(1, 11))));
    expect(labels).toEqual(names.slice(1));
    expect(JSON.stringify(slack.messages.at(-1)?.blocks.at(-1))).toContain("*source_39*");
  });

  it("alerts with the failed sources, one line each", async () => {
    const messages = slackAlertMessages({ date: DATE, job: "daily" }, [
      { source: "github", error: "timed out after 30000 ms" },
      { source: "plausible", error: "HTTP 401" },
    ]);
    expect(messages).toEqual([
      {
        text: `⚠️ 2 sources failed: daily run of ${DATE} (github, plausible)`,
        blocks: [
          {
            type: "section",
            text: {
              type: "mrkdwn",
              verbatim: true,
              text: `*⚠️ 2 sources failed: daily run of ${DATE}*\n• *github*: timed out after 30000 ms\n• *plausible*: HTTP 401`,
            },
          },
        ],
        unfurl_links: false,
        unfurl_media: false,
      },
    ]);
    await post(messages);
  });
});
