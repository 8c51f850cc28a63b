import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { runCli } from "../helpers/cli.js";
import { FileHistory } from "../../src/destinations/file.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { startFakeNotion, type FakeNotion } from "../fakes/notion-server.js";
import { sendJson, startServer } from "../helpers/server.js";

/** Runs a command in-process with captured streams. */
const cli = (args: string[], env: Record<string, string>) => runCli(args, { env });

let notion: FakeNotion;
let discord: FakeDiscord;
let dir: string;
beforeAll(async () => {
  notion = await startFakeNotion();
  discord = await startFakeDiscord();
  dir = await mkdtemp(join(tmpdir(), "kpi-cmd-"));
});
afterAll(async () => {
  await notion.close();
  await discord.close();
});

describe("kpi-collector notion init", () => {
  it("creates a database with a number column per configured metric and prints its id", async () => {
    const config = join(dir, "init.yaml");
    // The starter's placeholder id is what init replaces; the webhook's variable is unset, as in the quickstart.
    // The API origin is the notion destination's baseUrl (the fake's), not an environment variable.
    await writeFile(
      config,
      `sources:\n  - { name: gh, type: github, repo: a/b }\ndestinations:\n  - { type: notion, token: "\${NOTION_TOKEN}", database: 0123456789abcdef0123456789abcdef, baseUrl: "${notion.url}" }\n  - { type: discord, webhookUrl: "\${DISCORD_WEBHOOK_URL}" }\n`,
    );
    const result = await cli(["notion", "init", "--parent", notion.parentPageId, "--config", config], { NOTION_TOKEN: notion.token });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const id = /database ([0-9a-f-]{32,36})/.exec(result.stdout)?.[1] ?? "";
    expect(notion.columns(id)).toMatchObject({ Date: "date", GH_STARS: "number", GH_FORKS: "number", GH_WATCHERS: "number", GH_OPEN_ISSUES: "number" });
    expect(result.stdout).toContain(`database: ${id}`);
    expect(result.stdout + result.stderr).not.toContain(notion.token);
  });

  it("needs --parent and NOTION_TOKEN", async () => {
    expect((await cli(["notion", "init"], {})).stderr).toContain("--parent: required");
    expect((await cli(["notion", "init", "--parent", notion.parentPageId], {})).stderr).toContain("NOTION_TOKEN");
  });
});

describe("kpi-collector report", () => {
  const setup = async () => {
    const history = join(dir, "report.csv");
    const store = new FileHistory({ type: "file", path: history });
    await store.upsert({ date: "2026-11-02", job: "daily", metrics: { USERS: 100 }, failures: [] });
    await store.upsert({ date: "2026-11-16", job: "daily", metrics: { USERS: 112 }, failures: [] });
    const config = join(dir, "report.yaml");
    await writeFile(
      config,
      `sources:\n  - { name: s, type: json, url: "http://127.0.0.1:9/", metrics: { USERS: { path: n } } }\ndestinations:\n  - { type: file, path: "${history}" }\n  - { type: discord, webhookUrl: "\${HOOK}" }\n`,
    );
    return config;
  };
  /** The setup's config with an empty store first and the discord destination reading the other, `main`. */
  const namedHistory = async (file: string, discordOptions = "") => {
    const text = (await readFile(await setup(), "utf8"))
      .replace("  - { type: file, path:", `  - { type: file, name: scratch, path: "${join(dir, "empty.csv")}" }\n  - { type: file, name: main, path:`)
      .replace('webhookUrl: "${HOOK}" }', `webhookUrl: "\${HOOK}", history: main${discordOptions} }`);
    const path = join(dir, file);
    await writeFile(path, text);
    return path;
  };

  it("--dry-run prints the report from history and posts nothing", async () => {
    const config = await setup();
    const result = await cli(["report", "--config", config, "--date", "2026-11-16", "--dry-run"], { HOOK: discord.webhookUrl });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/USERS[\s\S]*112[\s\S]*\+12 \(\+12(\.0)?%\)/);
    expect(result.stdout).toContain("2026-11-02");
    expect(discord.messages).toHaveLength(0);
  });

  it("posts once, then says it was already posted", async () => {
    const config = await setup();
    const env = { HOOK: discord.webhookUrl };
    expect((await cli(["report", "--config", config, "--date", "2026-11-16"], env)).stderr).toContain("Posted 1 message(s)");
    expect((await cli(["report", "--config", config, "--date", "2026-11-16"], env)).stderr).toContain("already posted");
    expect(discord.messages).toHaveLength(1);
    expect((await cli(["report", "--config", config, "--date", "2026-11-16", "--force"], env)).stderr).toContain("Posted 1 message(s)");
    expect(discord.messages).toHaveLength(2);
    expect(JSON.stringify(discord.messages)).not.toContain(discord.webhookUrl);
  });

  it("reads the store the discord destination names in `history`", async () => {
    const named = await namedHistory("named.yaml");
    const result = await cli(["report", "--config", named, "--date", "2026-11-16", "--dry-run"], { HOOK: discord.webhookUrl });
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("2026-11-02");
  });

  it("without a discord destination, --dry-run still prints the report and a missing date is named", async () => {
    const config = await setup();
    const fileOnly = join(dir, "report-file-only.yaml");
    await writeFile(fileOnly, (await readFile(config, "utf8")).replace(/\n {2}- \{ type: discord.*\n/, "\n"));
    const printed = await cli(["report", "--config", fileOnly, "--date", "2026-11-16", "--dry-run"], {});
    expect(printed.stderr).toBe("");
    expect(printed.stdout).toMatch(/USERS[\s\S]*112[\s\S]*\+12 \(\+12(\.0)?%\)/);
    const posting = await cli(["report", "--config", fileOnly, "--date", "2026-11-16"], {});
    expect(posting.code).toBe(2);
    expect(posting.stderr).toContain("no discord or slack destination to post to");
    const missing = await cli(["report", "--config", fileOnly, "--date", "2026-10-01", "--dry-run"], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("error: no history row for 2026-10-01: run the daily job for that date first\n");
  });

  it("--dry-run needs no webhook: the discord destination is left out with a warning, its options still apply", async () => {
    const named = await namedHistory("named-no-hook.yaml", ", metrics: { USERS: { label: Active users } }");
    const result = await cli(["report", "--config", named, "--date", "2026-11-16", "--dry-run"], {});
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("warning: destinations[2] (discord) is left out of this dry run: environment variable HOOK is not set\n");
    expect(result.stdout).toContain("2026-11-02");
    expect(result.stdout).toMatch(/Active users[\s\S]*112/);
    const posting = await cli(["report", "--config", named, "--date", "2026-11-16"], {});
    expect(posting.code).toBe(2);
    expect(posting.stderr).toContain("environment variable HOOK is not set");
  });

  it("names a date without history", async () => {
    const config = await setup();
    const result = await cli(["report", "--config", config, "--date", "2026-10-01", "--dry-run"], { HOOK: discord.webhookUrl });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("no history row for 2026-10-01");
  });
});

describe("kpi-collector run --dry-run", () => {
  it("runs without the destinations' variables: nothing is written, so they are warnings", async () => {
    const site = await startServer((_req, res) => sendJson(res, 200, { n: 42 }));
    try {
      const config = join(dir, "dry-run.yaml");
      await writeFile(
        config,
        `sources:\n  - { name: s, type: json, url: "${site.url}/", metrics: { USERS: { path: n } } }\ndestinations:\n  - { type: notion, token: "\${NOTION_TOKEN}", database: 89abcdef0123456789abcdef01234567 }\n  - { type: discord, webhookUrl: "\${DISCORD_WEBHOOK_URL}" }\n`,
      );
      const result = await cli(["run", "--config", config, "--dry-run", "--date", "2026-11-16"], {});
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("warning: destinations[0] (notion) is left out of this dry run: environment variable NOTION_TOKEN is not set\n");
      expect(result.stderr).toContain("warning: destinations[1] (discord) is left out of this dry run: environment variable DISCORD_WEBHOOK_URL is not set\n");
      expect(result.stderr).toMatch(/USERS\s+42/);
      expect(result.stderr).toContain("(dry run: nothing was written)");
      const real = await cli(["run", "--config", config, "--date", "2026-11-16"], {});
      expect(real.code).toBe(2);
      expect(real.stderr).toContain("NOTION_TOKEN is not set");
    } finally {
      await site.close();
    }
  });
});
