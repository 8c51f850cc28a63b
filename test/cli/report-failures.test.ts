import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { runCli } from "../helpers/cli.js";
import { fortnightHistory } from "../helpers/report-fixture.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-server.js";

const cli = (args: string[], env: Record<string, string>) => runCli(args, { env });

describe("kpi-collector report with a failing destination", () => {
  let dir: string;
  let discord: FakeDiscord;
  let slack: FakeSlack;
  let config: string;
  beforeAll(async () => {
    [discord, slack] = await Promise.all([startFakeDiscord(), startFakeSlack()]);
    dir = await mkdtemp(join(tmpdir(), "kpi-report-fail-"));
    const history = await fortnightHistory(dir);
    config = join(dir, "kpi.yaml");
    await writeFile(
      config,
      `sources:\n  - { name: s, type: json, url: "http://127.0.0.1:9/", metrics: { USERS: { path: n } } }\n` +
        `destinations:\n  - { type: file, path: "${history}" }\n` +
        `  - { type: discord, webhookUrl: "\${DISCORD_WEBHOOK_URL}" }\n  - { type: slack, webhookUrl: "\${SLACK_WEBHOOK_URL}" }\n`,
    );
  });
  afterAll(async () => {
    await Promise.all([discord.close(), slack.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("still posts to the destinations after it, says which failed and why, and exits 1; run again, it posts only where the report is missing", async () => {
    const env = { DISCORD_WEBHOOK_URL: discord.webhookUrl, SLACK_WEBHOOK_URL: slack.webhookUrl };
    discord.deleteWebhook();
    const first = await cli(["report", "--config", config, "--date", "2026-11-16"], env);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/^✗ discord failed: .*Unknown Webhook/m);
    expect(first.stderr).toContain("Posted 1 message(s) to slack.");
    expect(first.stderr + first.stdout).not.toContain(discord.token);
    expect(slack.messages).toHaveLength(1);
    expect(discord.messages).toHaveLength(0);

    // Run again with a working webhook: it posts where the report is missing, and only there.
    const replaced = await startFakeDiscord();
    try {
      const again = await cli(["report", "--config", config, "--date", "2026-11-16"], { ...env, DISCORD_WEBHOOK_URL: replaced.webhookUrl });
      expect(again.code).toBe(0);
      expect(again.stderr).toContain("Posted 1 message(s) to discord.");
      expect(again.stderr).toContain("already posted to slack");
      expect(replaced.messages).toHaveLength(1);
      expect(slack.messages).toHaveLength(1);
    } finally {
      await replaced.close();
    }
  });
});
