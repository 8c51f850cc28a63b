import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { main } from "../../src/cli/main.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-server.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

/**
 * A server that echoes the Slack webhook URL and the new presets' keys in the text a source fails
 * on: no output of the CLI (log lines, the table, the CSV, the Discord and Slack alerts) shows them.
 */
const STRIPE_KEY = "sk_live_auditStripeKey0123456789";
const POSTHOG_KEY = "phx_auditPosthogKey0123456789";
const PLAUSIBLE_KEY = "auditPlausibleKey0123456789";
const GA4_TOKEN = "ya29.auditGa4Token0123456789";

let site: TestServer;
let discord: FakeDiscord;
let slack: FakeSlack;
let dir: string;
let config: string;
let csv: string;
let env: Record<string, string>;

beforeAll(async () => {
  [discord, slack] = await Promise.all([startFakeDiscord(), startFakeSlack()]);
  const echo = `slack ${slack.webhookUrl} secret ${slack.secret} stripe ${STRIPE_KEY} posthog ${POSTHOG_KEY} plausible ${PLAUSIBLE_KEY} ga4 ${GA4_TOKEN}`;
  site = await startServer((req, res) => {
    if (req.url === "/ok.json") return sendJson(res, 200, { users: 7 });
    if (req.url === "/echo.json") return sendJson(res, 200, { count: echo });
    // Each API's own error shape, so each preset quotes what the server said.
    if (req.url?.startsWith("/v1/subscriptions")) return sendJson(res, 400, { error: { type: "invalid_request_error", message: echo } });
    if (req.url?.startsWith("/api/projects")) return sendJson(res, 400, { type: "validation_error", code: "invalid_input", detail: echo, attr: null });
    if (req.url?.startsWith("/api/v2")) return sendJson(res, 400, { error: echo });
    sendJson(res, 400, { error: { code: 400, message: echo, status: "INVALID_ARGUMENT" } });
  });
  env = { SLACK_WEBHOOK_URL: slack.webhookUrl, DISCORD_WEBHOOK_URL: discord.webhookUrl, STRIPE_API_KEY: STRIPE_KEY };
  dir = await mkdtemp(join(tmpdir(), "kpi-slack-secrets-"));
  csv = join(dir, "history.csv");
  config = join(dir, "kpi.yaml");
  await writeFile(
    config,
    `timezone: UTC
sources:
  - { name: healthy, type: json, url: ${site.url}/ok.json, metrics: { users: { path: users } } }
  - { name: echo, type: json, url: ${site.url}/echo.json, metrics: { hits: { path: count } } }
  - { name: stripe, type: stripe, apiKey: "\${STRIPE_API_KEY}", baseUrl: ${site.url} }
  - { name: product, type: posthog, host: ${site.url}, projectId: "1", apiKey: ${POSTHOG_KEY} }
  - { name: site, type: plausible, siteId: example.com, apiKey: ${PLAUSIBLE_KEY}, baseUrl: ${site.url} }
  - { name: web, type: ga4, propertyId: "properties/1", accessToken: ${GA4_TOKEN}, baseUrl: ${site.url} }
destinations:
  - { type: file, path: ${csv} }
  - { type: console }
  - { type: discord, webhookUrl: "\${DISCORD_WEBHOOK_URL}" }
  - { type: slack, webhookUrl: "\${SLACK_WEBHOOK_URL}" }
`,
  );
}, 30_000);
afterAll(() => Promise.all([site.close(), discord.close(), slack.close()]));

describe("the Slack webhook URL and the presets' keys, echoed by a server, reach no output", () => {
  it("log lines, the table, the CSV, and the Discord and Slack alerts are masked", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["run", "--config", config], {
      env,
      stdout: { write: (t: string) => void out.push(t) },
      stderr: { write: (t: string) => void err.push(t) },
      now: () => new Date("2026-03-10T12:00:00Z"),
    });
    expect(code).toBe(0);
    const outputs = {
      stdout: out.join(""),
      stderr: err.join(""),
      csv: await readFile(csv, "utf8"),
      discord: JSON.stringify(discord.messages),
      slack: JSON.stringify(slack.messages),
    };
    // The echo reached the messages, masked: redaction, not silence.
    expect(outputs.stderr).toMatch(/echo: .*\[redacted\]/);
    expect(outputs.stderr).toMatch(/stripe: Stripe answered 400 .*slack \[redacted\] secret \[redacted\] stripe \[redacted\] posthog \[redacted\]/);
    expect(slack.messages.length).toBeGreaterThan(0);
    expect(outputs.slack).toMatch(/redacted/);
    for (const [where, text] of Object.entries(outputs)) {
      for (const secret of [slack.webhookUrl, slack.secret, STRIPE_KEY, POSTHOG_KEY, PLAUSIBLE_KEY, GA4_TOKEN]) {
        expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
      }
    }
  }, 60_000);
});
