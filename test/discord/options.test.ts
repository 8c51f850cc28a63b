import { describe, expect, it } from "@jest/globals";
import { DISCORD_TYPE, discordOptionsSchema, webhookId } from "../../src/destinations/discord/options.js";

const url = "https://discord.com/api/webhooks/1234567890/s3cr3t-T0ken";

describe("discordOptionsSchema", () => {
  it("accepts the issue's example config", () => {
    const parsed = discordOptionsSchema.parse({
      type: DISCORD_TYPE,
      webhookUrl: url,
      jobs: ["weekly-report"],
      compareDays: 14,
      username: "KPI bot",
      metrics: { mrr: { label: "MRR", format: "currency" }, churn: { lowerIsBetter: true, format: "percent" } },
      alertOnFailure: true,
      history: "notion",
    });
    expect(parsed.metrics?.churn?.lowerIsBetter).toBe(true);
  });

  it.each([
    ["team", true],
    ["team discord", true],
    ["team, ops", false],
    ["team;ops", false],
    [" team", false],
    ["team 1/3", false],
  ])("name %j valid: %s (it is the report's mark in history)", (name, valid) => {
    const result = discordOptionsSchema.safeParse({ type: "discord", webhookUrl: url, name });
    expect(result.success).toBe(valid);
    if (!valid) expect(JSON.stringify(result.error?.issues)).toContain("Reported to");
  });

  it.each([
    ["https://discord.com/api/v10/webhooks/1/abc", true],
    ["http://127.0.0.1:5000/api/webhooks/1/abc", true],
    ["https://discord.com/api/channels/1/messages", false],
    ["ftp://discord.com/api/webhooks/1/abc", false],
    ["not a url", false],
  ])("webhookUrl %s valid: %s", (webhookUrl, valid) => {
    expect(discordOptionsSchema.safeParse({ type: "discord", webhookUrl }).success).toBe(valid);
  });

  it("never repeats the webhook URL in its error", () => {
    const result = discordOptionsSchema.safeParse({ type: "discord", webhookUrl: "https://example.com/hooks/s3cr3t-T0ken" });
    expect(JSON.stringify(result.error?.issues)).not.toContain("s3cr3t-T0ken");
    expect(result.error?.issues[0]?.message).toContain("must be a Discord webhook URL");
  });

  it.each([
    [{ compareDays: 0 }],
    [{ metrics: { "bad name": {} } }],
    [{ metrics: { mrr: { format: "bytes" } } }],
    [{ jobs: ["hourly"] }],
    [{ unknownKey: 1 }],
    [{ currency: "usd" }],
  ])("rejects %j", (extra) => {
    expect(discordOptionsSchema.safeParse({ type: "discord", webhookUrl: url, ...extra }).success).toBe(false);
  });

  it.each(["Discord KPIs", "my-DISCORD-bot", "Clyde", "kpiclydebot"])("refuses the username %j, which Discord itself refuses", (username) => {
    const result = discordOptionsSchema.safeParse({ type: "discord", webhookUrl: url, username });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["username"] });
    expect(result.error?.issues[0]?.message).toMatch(/can't contain "discord" or "clyde"/);
  });

  it("reads the webhook id, which is not secret", () => {
    expect(webhookId(url)).toBe("1234567890");
    expect(webhookId("nope")).toBeUndefined();
  });
});
