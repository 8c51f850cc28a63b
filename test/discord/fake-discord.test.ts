import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";

/** The fake itself against the reference (discord-webhooks.md), for what the client never sends or reads. */
describe("the fake Discord", () => {
  let discord: FakeDiscord;
  const post = (body: unknown) => fetch(`${discord.webhookUrl}?wait=true`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const hello = { content: "hello", allowed_mentions: { parse: [] } };

  beforeEach(async () => {
    discord = await startFakeDiscord();
  });
  afterEach(() => discord.close());

  it("answers with every rate-limit header the reference lists, on success and on a 429", async () => {
    const names = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-reset-after", "x-ratelimit-bucket"];
    const ok = await post(hello);
    expect(names.filter((name) => !ok.headers.has(name))).toEqual([]);
    const resetAt = Number(ok.headers.get("x-ratelimit-reset"));
    expect(resetAt).toBeGreaterThan(Date.now() / 1000);
    expect(resetAt).toBeLessThan(Date.now() / 1000 + 60);
    discord.failNext(429, 1, { retryAfter: 0.5 });
    const limited = await post(hello);
    expect(limited.status).toBe(429);
    expect(["retry-after", "x-ratelimit-scope", "x-ratelimit-reset", "x-ratelimit-reset-after"].filter((name) => !limited.headers.has(name))).toEqual([]);
    expect(await limited.json()).toEqual({ message: "You are being rate limited.", retry_after: 0.5, global: false });
  });

  it("takes a file as the only content, as the reference says, but not attachments alone", async () => {
    expect((await post({ allowed_mentions: { parse: [] }, file: "report.csv" })).status).toBe(200);
    expect(discord.messages).toHaveLength(1);
    const empty = await post({ allowed_mentions: { parse: [] }, attachments: [{ id: 0 }] });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ message: "Cannot send an empty message", code: 50006 });
  });

  it("answerLateNext keeps the message but holds the answer: a client that stops waiting saw nothing", async () => {
    discord.answerLateNext(60_000);
    const started = post(hello);
    await expect(Promise.race([started, new Promise((resolve) => setTimeout(() => resolve("still waiting"), 300))])).resolves.toBe("still waiting");
    expect(discord.messages.map((m) => m.content)).toEqual(["hello"]);
    // Closing releases the held answer, so no test waits a minute.
    await discord.close();
    const late = await started.then((r) => r.status, () => "closed");
    expect([200, "closed"]).toContain(late);
    discord = await startFakeDiscord();
    expect((await post(hello)).status).toBe(200);
  });
});
