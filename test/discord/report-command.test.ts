import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { runReportCommand } from "../../src/destinations/discord/report-command.js";
import { Secrets } from "../../src/log/secrets.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { MemoryHistory } from "../helpers/memory-history.js";

describe("runReportCommand (kpi-collector report --date D)", () => {
  let discord: FakeDiscord;
  let history: MemoryHistory;
  beforeEach(async () => {
    discord = await startFakeDiscord();
    history = new MemoryHistory([
      { date: "2024-05-27", metrics: { mrr: 1000 } },
      { date: "2024-06-10", metrics: { mrr: 1250 } },
    ]);
  });
  afterEach(() => discord.close());
  const run = (request: { date: string; dryRun?: boolean; force?: boolean }) =>
    runReportCommand({ type: "discord", webhookUrl: discord.webhookUrl }, { secrets: new Secrets(), history }, { northStar: "mrr", ...request });

  it("renders from the history row of the date without posting on --dry-run", async () => {
    const result = await run({ date: "2024-06-10", dryRun: true });
    expect(result).toMatchObject({ status: "rendered", messages: 0 });
    expect(result.text).toContain("⭐ mrr: 1,250 ▲ +250 (+25.0%)");
    expect(discord.requests).toHaveLength(0);
    expect((await history.get("2024-06-10"))?.reportedTo).toBeUndefined();
  });

  it("posts and records, then skips a second time unless forced", async () => {
    expect(await run({ date: "2024-06-10" })).toMatchObject({ status: "sent", messages: 1 });
    const again = await run({ date: "2024-06-10" });
    expect(again).toMatchObject({ status: "skipped", messages: 0 });
    expect(again.text).toContain("Weekly KPI report — 2024-06-10");
    expect(discord.messages).toHaveLength(1);
    expect(await run({ date: "2024-06-10", force: true })).toMatchObject({ status: "sent" });
    expect(discord.messages).toHaveLength(2);
  });

  it("fails clearly for a date without a history row", async () => {
    await expect(run({ date: "2024-06-11", dryRun: true })).rejects.toMatchObject({ code: "history_row_missing" });
  });
});
