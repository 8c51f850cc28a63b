import { afterEach } from "@jest/globals";
import { loadConfig, type Config, type Env } from "../../../src/config/load.js";
import { createLogger, jsonLineSink, type LogRecord, type Logger } from "../../../src/log/logger.js";
import type { Pipeline } from "../../../src/pipeline.js";
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from "../../fakes/discord-server.js";
import { startFakeNotion, type FakeNotion } from "../../fakes/notion-server.js";
import { buildFastPipeline, type Tuning } from "./build-fast.js";
import type { LeakGuard } from "./leak-guard.js";
import { APP_USER, LOGIN_USER, startFaultSite, type FaultSite } from "./site.js";
import { fakeDestinationsYaml } from "../../fakes/config.js";

/** The metrics the two healthy sources yield. */
export const HEALTHY_METRICS = ["mrr", "stars", "users"] as const;

export interface WorldOptions {
  /** YAML list items appended to `sources:`, indented by two spaces; `{{site}}` is the site's URL, `{{host}}` its host:port. */
  extraSources?: string;
  /** Extra top-level YAML keys, e.g. `maxResponseBytes: 1000000`. */
  top?: string;
  discord?: FakeDiscordOptions;
}

/**
 * A fault world: the misbehaving site, a fake Notion and a fake Discord, a config that points
 * at them with every credential taken from the env, and pipelines built from that config.
 */
export interface World {
  site: FaultSite;
  notion: FakeNotion;
  discord: FakeDiscord;
  env: Env;
  yaml: string;
  config: Config;
  /** Every log record of the pipelines built here. */
  logs: LogRecord[];
  /** A logger that records and also prints JSON lines to stdout, as in production. */
  logger: Logger;
  pipeline(options?: { now?: () => Date; tuning?: Tuning }): Promise<Pipeline>;
  close(): Promise<void>;
}

/** The Monday of the fortnight `seedFortnight` fills, and the day after. */
export const MONDAY = "2026-03-09";
export const TUESDAY = "2026-03-10";

/** One world per test, closed after it: call at the top of a test file. */
export function worldPerTest(guard: LeakGuard): (options?: WorldOptions) => Promise<World> {
  let current: World | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options) => (current = await startWorld(guard, options));
}

export async function startWorld(guard: LeakGuard, options: WorldOptions = {}): Promise<World> {
  const site = await startFaultSite();
  const notion = await startFakeNotion();
  const discord = await startFakeDiscord(options.discord);
  const env: Env = {
    NOTION_TOKEN: notion.token,
    DISCORD_WEBHOOK_URL: discord.webhookUrl,
    APP_API_KEY: site.secrets.apiKey,
    REPO_PASSWORD: site.secrets.repoPassword,
    LOGIN_PASSWORD: site.secrets.loginPassword,
  };
  guard.secret(notion.token, discord.token, site.secrets.apiKey, site.secrets.loginPassword);
  guard.secretUrl(discord.webhookUrl);
  guard.basicAuth(APP_USER, site.secrets.repoPassword);
  guard.secretsFrom(() => site.cookies);
  guard.watch("fake Discord messages", () => discord.messages);
  const close = () => Promise.all([site.close(), notion.close(), discord.close()]).then(() => {});
  const yaml = configYaml(site.url, notion, options);
  let config: Config;
  try {
    config = loadConfig(yaml, env, "fault.config.yaml");
  } catch (error) {
    await close();
    throw error;
  }
  const logs: LogRecord[] = [];
  const print = jsonLineSink();
  const logger = createLogger({ secrets: config.secrets, minSeverity: "DEBUG", sink: (record) => (logs.push(record), print(record)) });
  const world: World = {
    site,
    notion,
    discord,
    env,
    yaml,
    config,
    logs,
    logger,
    pipeline: (o = {}) => buildFastPipeline(config, { logger, ...o }),
    close,
  };
  return world;
}

function configYaml(siteUrl: string, notion: FakeNotion, options: WorldOptions): string {
  const extra = (options.extraSources ?? "").replaceAll("{{site}}", siteUrl).replaceAll("{{host}}", new URL(siteUrl).host);
  return `
timezone: UTC
northStar: mrr
sourceTimeoutMs: 10000
${options.top ?? ""}
sources:
  - name: app
    type: json
    url: ${siteUrl}/stats.json
    headers: { x-api-key: "\${APP_API_KEY}" }
    metrics:
      users: { path: data.users }
      mrr: { path: data.revenue.mrr }
  - name: repo
    type: html
    url: ${siteUrl}/repo.html
    basicAuth: { username: ${APP_USER}, password: "\${REPO_PASSWORD}" }
    metrics:
      stars: { selector: .stars }
${extra}
${fakeDestinationsYaml(notion)}`;
}

/** A `dashboard` html source behind the site's form login, as a `sources:` item. */
export const LOGIN_SOURCE = `
  - name: dashboard
    type: html
    url: "{{site}}/dashboard"
    login:
      url: "{{site}}/login"
      form: "form#login"
      fields: { email: ${LOGIN_USER}, password: "\${LOGIN_PASSWORD}" }
      check: ".account"
    metrics:
      signups: { selector: .signups }
`;

/** A json source at `{{site}}/broken`, which tests make fail, as a `sources:` item. */
export const BROKEN_SOURCE = `
  - name: flaky
    type: json
    url: "{{site}}/broken"
    metrics:
      flaky_count: { path: count }
`;

/** The 15 days up to Sunday 2026-03-08 as history, so the report of Monday 2026-03-09 has a comparison. */
export function seedFortnight(world: World): void {
  world.notion.seedDays(15, { end: "2026-03-08", metrics: (i) => ({ users: 1000 + i, mrr: 3000 + i, stars: 1200 + i }) });
}
