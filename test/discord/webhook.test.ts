import { fetchDroppingFirstAnswer } from "../helpers/server.js";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { Secrets } from "../../src/log/secrets.js";
import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { createWebhookClient } from "../../src/destinations/discord/webhook.js";
import { DiscordError } from "../../src/errors.js";
import type { DiscordMessage } from "../../src/destinations/discord/limits.js";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";

const hello: DiscordMessage = { content: "hello", allowed_mentions: { parse: [] } };

describe("webhook delivery", () => {
  let discord: FakeDiscord;
  let logs: LogRecord[];
  let secrets: Secrets;
  const client = (url = discord.webhookUrl, maxRetries = 3) =>
    createWebhookClient(url, {
      destination: "discord",
      secrets,
      logger: createLogger({ secrets, sink: (r) => logs.push(r), minSeverity: "DEBUG" }),
      maxRetries,
      backoffMs: 5,
    });
  const failure = async (promise: Promise<unknown>): Promise<DiscordError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DiscordError);
    return error as DiscordError;
  };
  const leaks = (text: string) => text.includes(discord.token) || text.includes(discord.webhookUrl);

  beforeEach(async () => {
    discord = await startFakeDiscord();
    logs = [];
    secrets = new Secrets();
  });
  afterEach(() => discord.close());

  it("posts with ?wait=true and returns Discord's message id", async () => {
    const id = await client().execute(hello);
    expect(id).toBe(discord.messages[0]?.id);
    expect(discord.requests[0]?.path).toMatch(/\?wait=true$/);
    expect(JSON.parse(discord.requests[0]?.body ?? "")).toEqual(hello);
  });

  it("waits out a 429's fractional retry_after, then succeeds", async () => {
    discord.failNext(429, 2, { retryAfter: 0.2 });
    await client().execute(hello);
    expect(discord.requests).toHaveLength(3);
    expect(discord.messages).toHaveLength(1);
    expect(logs.filter((l) => l.message.includes("rate limited")).map((l) => l.waitMs)).toEqual([200, 200]);
  });

  it("reads Retry-After when the 429 has no body", async () => {
    discord.failNext(429, 1, { retryAfter: 0.1, headerOnly: true });
    await client().execute(hello);
    expect(discord.messages).toHaveLength(1);
    expect(logs.find((l) => l.message.includes("rate limited"))?.waitMs).toBe(100);
  });

  it("gives up after a bounded number of 429s with a clear error", async () => {
    discord.failNext(429, 10, { retryAfter: 0.01 });
    const error = await failure(client(undefined, 2).execute(hello));
    expect(error.code).toBe("discord_rate_limited");
    expect(error.message).toBe("[discord] webhook 1234…: rate limited 3 times; giving up");
    expect(discord.requests).toHaveLength(3);
  });

  it("does not wait for a retry_after longer than allowed", async () => {
    discord.failNext(429, 1, { retryAfter: 3600 });
    const error = await failure(client().execute(hello));
    expect(error.message).toContain("rate limited for 3600.0 s, longer than allowed");
    expect(discord.requests).toHaveLength(1);
  });

  it("retries 5xx with backoff", async () => {
    discord.failNext(502, 1);
    discord.failNext(500, 1);
    await client().execute(hello);
    expect(discord.requests).toHaveLength(3);
    expect(discord.messages).toHaveLength(1);
  });

  it("fails on a 400 with Discord's error message and the field at fault", async () => {
    const tooLong: DiscordMessage = { embeds: [{ description: "x".repeat(4097) }], allowed_mentions: { parse: [] } };
    const error = await failure(client().execute(tooLong));
    expect(error).toMatchObject({ code: "discord_bad_request", status: 400, discordCode: 50035 });
    expect(error.message).toContain("Invalid Form Body; embeds.0.description: Must be 4096 or fewer in length.");
    expect(discord.requests).toHaveLength(1);
  });

  it("fails on an empty message with code 50006", async () => {
    const error = await failure(client().execute({ allowed_mentions: { parse: [] } }));
    expect(error.discordCode).toBe(50006);
  });

  it("fails like Discord on a username containing discord or clyde", async () => {
    for (const username of ["Discord bot", "ClydeKPI"]) {
      const error = await failure(client().execute({ ...hello, username }));
      expect(error).toMatchObject({ code: "discord_bad_request", status: 400, discordCode: 50035 });
      const word = username.toLowerCase().includes("discord") ? "discord" : "clyde";
      expect(error.message).toContain(`Invalid Form Body; username: Username cannot contain "${word}"`);
    }
    expect(discord.messages).toHaveLength(0);
    await client().execute({ ...hello, username: "KPI bot" });
    expect(discord.messages[0]?.username).toBe("KPI bot");
  });

  it("fails on a wrong token without ever showing the token or the URL", async () => {
    const wrong = discord.webhookUrl.replace(discord.token, "wrong-token-0123456789");
    const error = await failure(client(wrong).execute(hello));
    expect(error).toMatchObject({ code: "discord_unauthorized", status: 401, discordCode: 50027 });
    expect(error.message).toBe("[discord] webhook 1234…: invalid webhook token (401, code 50027: Invalid Webhook Token); check the webhook URL");
    expect(error.message).not.toContain("wrong-token-0123456789");
    expect(JSON.stringify(logs)).not.toContain("wrong-token-0123456789");
  });

  it("fails clearly when the webhook was deleted", async () => {
    discord.deleteWebhook();
    const error = await failure(client().execute(hello));
    expect(error).toMatchObject({ code: "discord_unknown_webhook", status: 404, discordCode: 10015 });
    expect(error.message).toContain("was the webhook deleted?");
    expect(discord.requests).toHaveLength(1);
  });

  it("retries network errors, then names the failure without the URL", async () => {
    const url = discord.webhookUrl;
    await discord.close();
    const error = await failure(client(url, 1).execute(hello));
    expect(error.code).toBe("discord_network");
    expect(error.message).toBe("[discord] webhook 1234…: network error ECONNREFUSED after 2 attempts");
    expect(logs.filter((l) => l.message.includes("retrying"))).toHaveLength(1);
    expect(leaks(error.message + JSON.stringify(logs))).toBe(false);
    expect(error.cause).toBeUndefined();
  });

  it("never re-sends a post that went unanswered: it may have landed", async () => {
    discord.answerLateNext(60_000);
    const slow = createWebhookClient(discord.webhookUrl, { destination: "discord", secrets, maxRetries: 3, backoffMs: 5, timeoutMs: 300 });
    const error = await failure(slow.execute(hello));
    expect(error).toMatchObject({ code: "discord_unanswered", unanswered: true });
    expect(error.message).toBe("[discord] webhook 1234…: request timed out before Discord answered; the message may have been posted, so it is not sent again");
    expect(discord.requests).toHaveLength(1);
    expect(discord.messages).toHaveLength(1);
  });

  it("a connection lost after sending is unanswered too, not retried", async () => {
    // The request reaches Discord, then the connection drops before the answer.
    const dropFirst = fetchDroppingFirstAnswer();
    const flaky = createWebhookClient(discord.webhookUrl, { destination: "discord", secrets, maxRetries: 3, backoffMs: 5, fetch: dropFirst });
    expect((await failure(flaky.execute(hello))).code).toBe("discord_unanswered");
    expect(discord.messages).toHaveLength(1);
  });

  it("registers the URL and its token as secrets", () => {
    client();
    expect(secrets.redact(`see ${discord.webhookUrl} and ${discord.token}`)).toBe("see [redacted] and [redacted]");
  });

  it("waits for the bucket to refill when Discord says none are left", async () => {
    await discord.close();
    discord = await startFakeDiscord({ rateLimit: { limit: 2, windowMs: 300 } });
    const webhook = client();
    for (let i = 0; i < 5; i++) await webhook.execute({ ...hello, content: `m${i}` });
    expect(discord.messages.map((m) => m.content)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    // The client paused on X-RateLimit-Remaining: 0 instead of running into 429s.
    expect(discord.requests).toHaveLength(5);
  });
});
