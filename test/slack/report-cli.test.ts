import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { runCli } from "../helpers/cli.js";
import { fortnightHistory } from "../helpers/report-fixture.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-server.js";

const cli = (args: string[], env: Record<string, string>) => runCli(args, { env });

describe("kpi-collector report and validate with a slack destination", () => {
  let slack: FakeSlack;
  let config: string;
  beforeAll(async () => {
    slack = await startFakeSlack();
    const dir = await mkdtemp(join(tmpdir(), "kpi-slack-"));
    const history = await fortnightHistory(dir);
    config = join(dir, "kpi.yaml");
    await writeFile(
      config,
      `sources:\n  - { name: s, type: json, url: "http://127.0.0.1:9/", metrics: { USERS: { path: n } } }\n` +
        `destinations:\n  - { type: file, path: "${history}" }\n  - { type: slack, webhookUrl: "\${SLACK_WEBHOOK_URL}", metrics: { USERS: { label: "Active <users>" } } }\n`,
    );
  });
  afterAll(() => slack.close());

  it("--dry-run needs no webhook and prints the report as the Slack message reads", async () => {
    const result = await cli(["report", "--config", config, "--date", "2026-11-16", "--dry-run"], {});
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("warning: destinations[1] (slack) is left out of this dry run: environment variable SLACK_WEBHOOK_URL is not set\n");
    expect(result.stdout).toContain("Weekly KPI report — 2026-11-16\n\nActive <users>\n  112 ▲ +12 (+12.0%)\n  was 100");
    expect(slack.requests).toHaveLength(0);
  });

  it("posts once to Slack, then says it was already posted", async () => {
    const env = { SLACK_WEBHOOK_URL: slack.webhookUrl };
    const first = await cli(["report", "--config", config, "--date", "2026-11-16"], env);
    expect(first.stderr).toBe("Posted 1 message(s) to slack.\n");
    expect((await cli(["report", "--config", config, "--date", "2026-11-16"], env)).stderr).toContain("already posted to slack");
    expect(slack.messages).toHaveLength(1);
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain("*Active &lt;users&gt;*");
  });

  it("validate refuses a URL that is no incoming webhook, without repeating it", async () => {
    const result = await cli(["validate", "--config", config], { SLACK_WEBHOOK_URL: "https://hooks.slack.com/workflows/T01/A02/123/s3cr3tValue" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("destinations[1].webhookUrl");
    expect(result.stderr).toContain("must be a Slack incoming webhook URL");
    expect(result.stderr + result.stdout).not.toContain("s3cr3tValue");
  });
});
