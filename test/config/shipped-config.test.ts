import { readFile } from "node:fs/promises";
import { describe, expect, it } from "@jest/globals";
import { loadConfig } from "../../src/config/load.js";
import { createSource } from "../../src/sources/registry.js";
import { PLACEHOLDER_DATABASE_ID } from "../../src/config/placeholders.js";

describe("the shipped kpi.config.yaml", () => {
  it("is valid with the two secrets Terraform provides, and keeps them secret", async () => {
    const text = await readFile(new URL("../../kpi.config.yaml", import.meta.url), "utf8");
    const env = { NOTION_TOKEN: "ntn_test_token_123", DISCORD_WEBHOOK_URL: "https://discord.com/api/webhooks/1/tok_abc123" };
    const config = loadConfig(text.replace(PLACEHOLDER_DATABASE_ID, "89abcdef0123456789abcdef01234567"), env);
    const metrics = config.sources.flatMap((s) => createSource(s).metricNames ?? []);
    expect(metrics).toContain(config.northStar);
    expect(config.secrets.redact(JSON.stringify(config))).not.toMatch(/ntn_test_token_123|tok_abc123/);
  });

  it("is refused while it holds the placeholder database id, naming the fix", async () => {
    const text = await readFile(new URL("../../kpi.config.yaml", import.meta.url), "utf8");
    const env = { NOTION_TOKEN: "ntn_test_token_123", DISCORD_WEBHOOK_URL: "https://discord.com/api/webhooks/1/tok_abc123" };
    expect(text).toContain(PLACEHOLDER_DATABASE_ID);
    expect(() => loadConfig(text, env)).toThrow(
      "Invalid config: destinations[0].database: still the starter config's placeholder id; run \"kpi-collector notion init --parent PAGE\" and put the id it prints here (or paste your database's URL)",
    );
    // In any form the id can be written.
    const dashed = text.replace(PLACEHOLDER_DATABASE_ID, "https://www.notion.so/acme/KPIs-0123456789abcdef0123456789abcdef?v=1");
    expect(() => loadConfig(dashed, env)).toThrow(/placeholder id/);
  });

  it("loads for a dry run without them: the destinations that need them are left out with a warning", async () => {
    const text = await readFile(new URL("../../kpi.config.yaml", import.meta.url), "utf8");
    const config = loadConfig(text, {}, "kpi.config.yaml", { leaveOut: () => true });
    expect(config.leftOut?.map((d) => d.message)).toEqual([
      "destinations[0] (notion) is left out of this dry run: environment variable NOTION_TOKEN is not set",
      "destinations[1] (discord) is left out of this dry run: environment variable DISCORD_WEBHOOK_URL is not set",
    ]);
    expect(config.sources.length).toBeGreaterThan(0);
  });
});
