import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { buildPipeline } from "../../src/build.js";
import { loadConfig } from "../../src/config/load.js";
import { FileHistory } from "../../src/destinations/file.js";
import { createLogger, silentLogger, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import type { Source } from "../../src/types.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { sendHtml, sendJson, startServer, type TestServer } from "../helpers/server.js";

let site: TestServer;
let discord: FakeDiscord;
let dir: string;
beforeAll(async () => {
  site = await startServer((_req, res) => sendHtml(res, 200, "<p class='users'>120</p>"));
  discord = await startFakeDiscord();
  dir = await mkdtemp(join(tmpdir(), "kpi-build-"));
});
afterAll(async () => {
  await site.close();
  await discord.close();
});

const config = (history: string) => `
sources:
  - { name: site, type: html, url: "${site.url}", metrics: { USERS: { selector: .users } } }
${history}
destinations:
  - { type: file, name: scratch, path: "${join(dir, "scratch.csv")}" }
  - { type: file, name: main, path: "${join(dir, "main.csv")}" }
  - { type: discord, webhookUrl: "${"${HOOK}"}", history: main, alertOnFailure: false }
`;

describe("buildPipeline", () => {
  it("uses the first history destination by default, and the top-level `history` name when given", async () => {
    const env = { HOOK: discord.webhookUrl };
    const first = await buildPipeline(loadConfig(config(""), env), { logger: silentLogger() });
    expect((first.history as FileHistory).path).toBe(join(dir, "scratch.csv"));
    const named = await buildPipeline(loadConfig(config("history: main"), env), { logger: silentLogger() });
    expect((named.history as FileHistory).path).toBe(join(dir, "main.csv"));
  });

  it("hands a discord destination the store its own `history` option names", async () => {
    await new FileHistory({ type: "file", path: join(dir, "main.csv") }).upsert({ date: "2026-11-02", job: "daily", metrics: { USERS: 100 }, failures: [] });
    const pipeline = await buildPipeline(loadConfig(config(""), { HOOK: discord.webhookUrl }), { logger: silentLogger() });
    const result = await pipeline.process("weekly-report", { date: "2026-11-16" });
    expect(result.ok).toBe(true);
    expect(JSON.stringify(discord.messages)).toContain("2026-11-02");
    expect(JSON.stringify(discord.messages)).toMatch(/\+20\b/);
  });

  it("runs TypeScript sources next to the config's, and refuses a metric name both produce", async () => {
    const env = { HOOK: discord.webhookUrl };
    const custom = { name: "billing", metricNames: ["MRR"], collect: async () => ({ MRR: 4200 }) };
    const pipeline = await buildPipeline(loadConfig(config(""), env), { logger: silentLogger(), customSources: [custom] });
    expect((await pipeline.collect("daily")).metrics).toEqual({ MRR: 4200, USERS: 120 });
    const clash = { ...custom, metricNames: ["USERS"] };
    await expect(buildPipeline(loadConfig(config(""), env), { logger: silentLogger(), customSources: [clash] })).rejects.toThrow(
      /USERS: source "site" already produces USERS/,
    );
  });

  it("shares the caller's redaction list, so secrets a source adds mid-run are masked in the caller's logs", async () => {
    const secrets = new Secrets();
    const lines: LogRecord[] = [];
    const logger = createLogger({ secrets, sink: (r) => lines.push(r) });
    const custom: Source = {
      name: "session",
      collect: async (context) => {
        context.secrets.add("sess-cookie-4411");
        context.logger.warn("session cookie sess-cookie-4411 set");
        return { SESSIONS: 1 };
      },
    };
    const hook = "https://discord.test/api/webhooks/1/hook-token-998877";
    const pipeline = await buildPipeline(loadConfig(config(""), { HOOK: hook }), { logger, secrets, customSources: [custom] });
    await pipeline.collect("daily");
    expect(lines.some((l) => l.message.includes("session cookie [redacted] set"))).toBe(true);
    expect(JSON.stringify(lines)).not.toContain("sess-cookie-4411");
    expect(secrets.redact(hook)).toBe("[redacted]");
  });

  it("retries an attempt that hangs, within the source's time limit", async () => {
    let calls = 0;
    const hanging = await startServer((_req, res) => {
      if (++calls === 1) return; // never answers
      sendHtml(res, 200, "<p class='users'>77</p>");
    });
    try {
      const yaml = `sourceTimeoutMs: 3000\nsources:\n  - { name: site, type: html, url: "${hanging.url}", metrics: { USERS: { selector: .users } } }\n`;
      const pipeline = await buildPipeline(loadConfig(yaml, {}), { logger: silentLogger(), customSources: [], tuning: { http: { backoffMs: 1 } } });
      const snapshot = await pipeline.collect("daily");
      expect(snapshot).toMatchObject({ metrics: { USERS: 77 }, failures: [] });
      expect(hanging.requests).toHaveLength(2);
    } finally {
      await hanging.close();
    }
  });

  it("gives each attempt a share of the source's own timeoutMs, not of the global sourceTimeoutMs", async () => {
    const slow = await startServer((_req, res) => void setTimeout(() => sendHtml(res, 200, "<p class='users'>88</p>"), 2500));
    try {
      const yaml = `sourceTimeoutMs: 1500\nsources:\n  - { name: slow, type: html, url: "${slow.url}", timeoutMs: 15000, metrics: { USERS: { selector: .users } } }\n`;
      const pipeline = await buildPipeline(loadConfig(yaml, {}), { logger: silentLogger(), customSources: [], tuning: { http: { backoffMs: 1 } } });
      expect(await pipeline.collect("daily")).toMatchObject({ metrics: { USERS: 88 }, failures: [] });
      expect(slow.requests).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it("gives a POST, which is never retried, the source's whole time limit rather than a third", async () => {
    // 3 s is more than a third of the source's 7.5 s and far more than a third of the global 1.5 s.
    const slow = await startServer((_req, res) => void setTimeout(() => sendJson(res, 200, { count: 9 }), 3000));
    try {
      const yaml = `sourceTimeoutMs: 1500\nsources:\n  - { name: api, type: json, url: "${slow.url}", method: POST, body: { q: 1 }, timeoutMs: 7500, metrics: { COUNT: { path: count } } }\n`;
      const pipeline = await buildPipeline(loadConfig(yaml, {}), { logger: silentLogger(), customSources: [] });
      expect(await pipeline.collect("daily")).toMatchObject({ metrics: { COUNT: 9 }, failures: [] });
      expect(slow.requests.map((r) => r.method)).toEqual(["POST"]);
    } finally {
      await slow.close();
    }
  });

  it("rejects a `history` that names no store", () => {
    expect(() => loadConfig(config("").replace("history: main", "history: nowhere"), { HOOK: discord.webhookUrl })).toThrow(
      /destinations\[2\]\.history: no destination named "nowhere"/,
    );
  });
});
