import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { main } from "../../src/cli/main.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { sendHtml, sendJson, startServer, type TestServer } from "../helpers/server.js";
import { FakeTerminal } from "./fake-terminal.js";

/**
 * Short secrets that look like JSON and like words, and a long one, all echoed back by the
 * server in the text the sources fail on: each output channel of the CLI must mask all of them.
 */
const PASSWORD = "a";
const TOKEN = "true";
const API_KEY = "1001";
const SESSION = "sess-6f1d0a9c2b7e4d3f";
const BASIC = Buffer.from(`kpi:${PASSWORD}`).toString("base64");
const env = { REPO_PASSWORD: PASSWORD, PRIVATE_TOKEN: TOKEN, APP_API_KEY: API_KEY, SESSION_ID: SESSION, DISCORD_WEBHOOK_URL: "" };

/** A standalone occurrence, as a reader would see it: `1001` but not `10010`. */
const standalone = (secret: string) => new RegExp(`(?<![\\p{L}\\p{N}_])${secret}(?![\\p{L}\\p{N}_])`, "u");
function expectNoSecret(text: string): void {
  for (const secret of [PASSWORD, TOKEN, API_KEY, SESSION, BASIC, encodeURIComponent(BASIC)]) expect(text).not.toMatch(standalone(secret));
}

let site: TestServer;
let discord: FakeDiscord;
let dir: string;
let config: string;
let csv: string;
beforeAll(async () => {
  site = await startServer((req, res) => {
    const echo = `auth ${String(req.headers.authorization)} token ${String(req.headers["private-token"])} key ${String(req.headers["x-api-key"])} session ${String(req.headers["x-session"])} pw ${PASSWORD}`;
    if (req.url === "/page.html") return sendHtml(res, 200, `<p class="count">${echo}</p>`);
    if (req.url === "/stats.json") return sendJson(res, 200, { count: echo });
    sendJson(res, 200, { users: 7 });
  });
  discord = await startFakeDiscord();
  env.DISCORD_WEBHOOK_URL = discord.webhookUrl;
  dir = await mkdtemp(join(tmpdir(), "kpi-secrets-"));
  csv = join(dir, "history.csv");
  config = join(dir, "kpi.yaml");
  await writeFile(
    config,
    `timezone: UTC
sources:
  - name: healthy
    type: json
    url: ${site.url}/ok.json
    metrics: { users: { path: users } }
  - name: echo-html
    type: html
    url: ${site.url}/page.html
    basicAuth: { username: kpi, password: "\${REPO_PASSWORD}" }
    metrics: { visits: { selector: .count, regex: 'visits (\\d+)' } }
  - name: echo-json
    type: json
    url: ${site.url}/stats.json
    headers: { private-token: "\${PRIVATE_TOKEN}", x-api-key: "\${APP_API_KEY}", x-session: "\${SESSION_ID}" }
    metrics: { hits: { path: count } }
destinations:
  - { type: file, path: ${csv} }
  - { type: console }
  - { type: discord, webhookUrl: "\${DISCORD_WEBHOOK_URL}" }
`,
  );
});
afterAll(async () => {
  await site.close();
  await discord.close();
});

async function cli(args: string[], tty = false) {
  const stdout = tty
    ? new FakeTerminal(200)
    : {
        writes: [] as string[],
        write(t: string) {
          this.writes.push(t);
        },
      };
  const stderr = tty
    ? new FakeTerminal(200)
    : {
        writes: [] as string[],
        write(t: string) {
          this.writes.push(t);
        },
      };
  const code = await main(args, { env, stdout, stderr, now: () => new Date("2026-03-10T12:00:00Z") });
  return { code, stdout: stdout.writes.join(""), stderr: stderr.writes.join("") };
}

describe("secrets that a server echoes back reach no output of the CLI", () => {
  it("off a terminal: JSON log lines stay valid JSON, the table on stderr and the Discord alert are masked", async () => {
    const { code, stdout, stderr } = await cli(["run", "--config", config]);
    expect(code).toBe(0);
    const records = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { message: string });
    const failures = records.filter((r) => / failed: /.test(r.message)).map((r) => r.message);
    expect(failures).toHaveLength(2);
    // The echo reached the messages, masked: redaction, not silence.
    expect(failures.join("\n")).toMatch(/\[redacted\]/);
    expect(stderr).toContain("Failed sources");
    expect(stderr).toMatch(/echo-html: .*\[redacted\]/);
    expectNoSecret(stdout);
    expectNoSecret(stderr);
    expect(discord.messages.length).toBeGreaterThan(0);
    expectNoSecret(JSON.stringify(discord.messages));
    expect(JSON.stringify(discord.messages)).toMatch(/redacted/);
    const history = await readFile(csv, "utf8");
    expect(history).toMatch(/users/);
    expectNoSecret(history);
  });

  it("on a terminal: warnings, the progress display and the closing lines are masked", async () => {
    const { stdout, stderr } = await cli(["run", "--config", config, "--dry-run"], true);
    expect(stdout + stderr).toMatch(/\[redacted\]/);
    expectNoSecret(stdout);
    expectNoSecret(stderr);
  });

  it("the CLI's own error lines are masked, as are messages that quote what the user typed", async () => {
    // --only is checked against the config's sources, so the config's secrets are known by then.
    const { code, stderr } = await cli(["run", "--config", config, "--only", API_KEY]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/only.*"\[redacted\]"/);
    expectNoSecret(stderr);
  });

  it("validate warns about a secret under 4 characters, naming its place, not its value", async () => {
    const { code, stdout, stderr } = await cli(["validate", "--config", config]);
    expect(code).toBe(0);
    expect(stdout).toContain("is valid");
    expect(stderr).toMatch(/^warning: sources\[1\]\.basicAuth\.password: the secret is only 1 character long;.* Use one of at least 4 characters\.$/m);
  });
});
