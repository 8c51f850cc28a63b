import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { SlackOptions } from "../../src/destinations/slack/options.js";
import { createSlackDestination } from "../../src/destinations/slack/destination.js";
import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import { Pipeline } from "../../src/pipeline.js";
import type { DestinationContext } from "../../src/types.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-server.js";
import { MemoryHistory } from "../helpers/memory-history.js";
import { REPORT_DATE, reportContext, reportSnapshot } from "../helpers/report-context.js";

const DATE = REPORT_DATE;

describe("slack destination", () => {
  let slack: FakeSlack;
  let history: MemoryHistory;
  let logs: LogRecord[];
  let secrets: Secrets;

  beforeEach(async () => {
    slack = await startFakeSlack();
    history = new MemoryHistory([{ date: "2024-05-27", metrics: { mrr: 1000, users: 50 } }]);
    logs = [];
    secrets = new Secrets();
  });
  afterEach(() => slack.close());

  const destination = (options: Partial<SlackOptions> = {}) =>
    createSlackDestination({ type: "slack", webhookUrl: slack.webhookUrl, ...options }, { secrets, backoffMs: 5 });
  const context = (over: Partial<DestinationContext> = {}) => reportContext(secrets, logs, history, over);
  const snapshot = reportSnapshot;

  it("posts the weekly report as Block Kit with a text fallback, and records it", async () => {
    await destination({ metrics: { mrr: { label: "MRR", format: "currency" } } }).write(snapshot(), context());
    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    expect(message?.text).toBe(`Weekly KPI report — ${DATE}: MRR $1,100 ▲ +10.0%`);
    expect(message?.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: `Weekly KPI report — ${DATE}`, emoji: true } });
    expect(JSON.stringify(message?.blocks[1])).toContain("⭐ *MRR*: *$1,100* ▲ +$100 (+10.0%)");
    expect((await history.get(DATE))?.reportedTo).toEqual([{ destination: "slack" }]);
    expect(logs.map((l) => l.message)).toContain(`weekly report of ${DATE} posted in 1 message(s) to webhook T0FA…/B0HO…`);
  });

  it("alerts once a day per failed source, escaped", async () => {
    const d = destination();
    const failures = [{ source: "github", error: "<!channel> timed out" }];
    await d.write(snapshot({ job: "daily", failures }), context());
    await d.write(snapshot({ job: "daily", failures }), context());
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toBe(`⚠️ 1 source failed: daily run of ${DATE} (github)`);
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain("• *github*: &lt;!channel&gt; timed out");
    expect((await history.get(DATE))?.alerted).toEqual(["github"]);
  });

  it("fails the run clearly, without the URL, when the channel was archived, and records nothing", async () => {
    slack.setState("channel_is_archived");
    const pipeline = new Pipeline({
      sources: [{ name: "s", collect: async () => ({ mrr: 1 }) }],
      destinations: [history, destination()],
      secrets,
      logger: createLogger({ secrets, sink: (r) => logs.push(r) }),
      now: () => new Date(`${DATE}T09:00:00Z`),
    });
    const result = await pipeline.process("weekly-report");
    const failed = result.destinations.find((r) => r.destination === "slack");
    expect(failed?.error).toBe(
      "[slack] webhook T0FA…/B0HO…: Slack answered 410 channel_is_archived: the webhook's channel is archived; unarchive it, or add a webhook for another channel and update the URL",
    );
    expect(slack.requests).toHaveLength(1);
    // Claimed before posting, nothing posted: a redelivery tries again.
    expect((await history.get(DATE))?.reportedTo).toEqual([{ destination: "slack", progress: { sent: 0, parts: 1 } }]);
    expect(JSON.stringify(logs)).not.toContain(slack.secret);
  });

  it("says how many messages of a split report were posted when a later one fails", async () => {
    const metrics = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`m${i}`, i]));
    slack.setState("no_service", 1);
    const error = await destination()
      .write(snapshot({ metrics }), context())
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(slack.messages).toHaveLength(1);
    expect(error?.message).toMatch(
      /^\[slack\] webhook T0FA…\/B0HO…: Slack answered 404 no_service: .* \(1 of 2 messages of the weekly report were posted; a redelivery resumes from message 2\)$/,
    );
    expect((await history.get(DATE))?.reportedTo).toEqual([{ destination: "slack", progress: { sent: 1, parts: 2 } }]);
  });
});
