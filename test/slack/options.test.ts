import { describe, expect, it } from "@jest/globals";
import { loadConfig } from "../../src/config/load.js";
import { SLACK_TYPE, slackOptionsSchema, slackWebhookLabel } from "../../src/destinations/slack/options.js";

const url = "https://hooks.slack.com/services/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";

describe("slackOptionsSchema", () => {
  it("accepts the issue's example config", () => {
    const parsed = slackOptionsSchema.parse({
      type: SLACK_TYPE,
      webhookUrl: url,
      jobs: ["weekly-report"],
      compareDays: 14,
      alertOnFailure: true,
      metrics: { MRR: { label: "MRR", format: "currency" } },
      history: "notion",
    });
    expect(parsed.metrics?.MRR?.format).toBe("currency");
  });

  it.each([
    ["http://127.0.0.1:5000/services/T0FAKE/B0HOOK/abc", true],
    ["https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abc/", true],
    ["https://hooks.slack.com/services/B0456EFGH/T0123ABCD/abc", false],
    ["https://hooks.slack.com/services/T0123ABCD/B0456EFGH", false],
    ["https://hooks.slack.com/workflows/T0123ABCD/A01/123/abc", false],
    ["https://discord.com/api/webhooks/1/abc", false],
    ["ftp://hooks.slack.com/services/T0123ABCD/B0456EFGH/abc", false],
    ["not a url", false],
  ])("webhookUrl %s valid: %s", (webhookUrl, valid) => {
    expect(slackOptionsSchema.safeParse({ type: "slack", webhookUrl }).success).toBe(valid);
  });

  it.each([[{ username: "KPI bot" }], [{ channel: "#kpi" }], [{ compareDays: 0 }], [{ metrics: { mrr: { format: "bytes" } } }]])("rejects %j", (extra) => {
    expect(slackOptionsSchema.safeParse({ type: "slack", webhookUrl: url, ...extra }).success).toBe(false);
  });

  it("validate names the place and the fix, never the URL, and the URL becomes a secret", () => {
    const bad = "https://hooks.slack.com/hooks/s3cr3tS3cr3tS3cr3tS3cr3t";
    const yaml = `sources:\n  - { name: s, type: json, url: "https://example.com/", metrics: { users: { path: n } } }\ndestinations:\n  - { type: file, path: h.csv }\n  - { type: slack, webhookUrl: "\${SLACK_WEBHOOK_URL}" }\n`;
    const error = (() => {
      try {
        loadConfig(yaml, { SLACK_WEBHOOK_URL: bad });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain("destinations[1].webhookUrl");
    expect(error?.message).toContain("must be a Slack incoming webhook URL such as https://hooks.slack.com/services/T…/B…/…");
    expect(error?.message).not.toContain("s3cr3t");
    const config = loadConfig(yaml, { SLACK_WEBHOOK_URL: url });
    expect(config.secrets.redact(`posting to ${url}`)).toBe("posting to [redacted]");
    expect(config.secrets.redact("s3cr3tS3cr3tS3cr3tS3cr3t")).toBe("[redacted]");
  });

  it("names the webhook by the start of its team and webhook ids only", () => {
    expect(slackWebhookLabel(url)).toBe("webhook T012…/B045…");
    expect(slackWebhookLabel("nope")).toBe("webhook T???…/B???…");
  });
});
