import { readFile } from "node:fs/promises";
import { describe, expect, it } from "@jest/globals";
import { loadConfig } from "../../src/config/load.js";
import { createSource } from "../../src/sources/registry.js";

describe("the shipped kpi.config.yaml", () => {
  it("is valid with the two secrets Terraform provides, and keeps them secret", async () => {
    const text = await readFile(new URL("../../kpi.config.yaml", import.meta.url), "utf8");
    const env = { NOTION_TOKEN: "ntn_test_token_123", DISCORD_WEBHOOK_URL: "https://discord.com/api/webhooks/1/tok_abc123" };
    const config = loadConfig(text, env);
    const metrics = config.sources.flatMap((s) => createSource(s).metricNames ?? []);
    expect(metrics).toContain(config.northStar);
    expect(config.secrets.redact(JSON.stringify(config))).not.toMatch(/ntn_test_token_123|tok_abc123/);
  });
});
