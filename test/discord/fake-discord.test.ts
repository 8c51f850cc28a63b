import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { startFakeDiscord, UPLOAD_LIMIT, type FakeDiscord } from "../fakes/discord-server.js";

/** The fake itself against the reference (discord-webhooks.md), for what the client never sends or reads. */
describe("the fake Discord", () => {
  let discord: FakeDiscord;
  const post = (body: unknown) =>
    fetch(`${discord.webhookUrl}?wait=true`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
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
    const late = await started.then(
      (r) => r.status,
      () => "closed",
    );
    expect([200, "closed"]).toContain(late);
    discord = await startFakeDiscord();
    expect((await post(hello)).status).toBe(200);
  });
});

describe("the fake Discord's uploads (discord-files.md)", () => {
  let discord: FakeDiscord;
  beforeEach(async () => {
    discord = await startFakeDiscord();
  });
  afterEach(() => discord.close());

  const upload = (payload: unknown, files: { name: string; data: Uint8Array }[]) => {
    const form = new FormData();
    form.append("payload_json", new Blob([JSON.stringify(payload)], { type: "application/json" }));
    files.forEach((f, n) => form.append(`files[${n}]`, new Blob([Uint8Array.from(f.data)], { type: "image/png" }), f.name));
    return fetch(`${discord.webhookUrl}?wait=true`, { method: "POST", body: form });
  };
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255, 13, 10]);

  it("parses payload_json and files[n], keeping the bytes, the alt text and the embed that shows the file", async () => {
    const payload = {
      embeds: [{ title: "KPIs", image: { url: "attachment://chart.png" } }],
      attachments: [{ id: 0, filename: "chart.png", description: "MRR rose" }],
      allowed_mentions: { parse: [] },
    };
    const answer = await upload(payload, [{ name: "chart.png", data: png }]);
    expect(answer.status).toBe(200);
    const [message] = discord.messages;
    expect(message?.attachments).toMatchObject([{ filename: "chart.png", description: "MRR rose", content_type: "image/png", size: png.length }]);
    expect(Buffer.compare(message?.attachments[0]?.data ?? Buffer.alloc(0), Buffer.from(png))).toBe(0);
    expect(message?.embeds[0]).toMatchObject({ image: { url: "attachment://chart.png" } });
    expect(((await answer.json()) as { attachments: unknown[] }).attachments).toMatchObject([{ filename: "chart.png", size: png.length }]);
    expect(discord.errors).toEqual([]);
  });

  it("takes a file alone as a message, and sanitizes its name as Discord does", async () => {
    expect((await upload({ allowed_mentions: { parse: [] } }, [{ name: "my chart (1).png", data: png }])).status).toBe(200);
    expect(discord.messages[0]?.attachments[0]?.filename).toBe("my_chart_1.png");
  });

  it("counts an embed image naming a file the message didn't upload as an error, and drops it as Discord does", async () => {
    const payload = { embeds: [{ title: "KPIs", image: { url: "attachment://other.png" } }], allowed_mentions: { parse: [] } };
    expect((await upload(payload, [{ name: "chart.png", data: png }])).status).toBe(200);
    expect(discord.errors).toEqual(["embeds[0].image: attachment://other.png names no file uploaded with the message"]);
    expect(discord.messages[0]?.embeds[0]).toEqual({ title: "KPIs" });
    // A JSON body can't upload anything: its attachment:// image is an error too.
    await fetch(`${discord.webhookUrl}?wait=true`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(discord.errors).toHaveLength(2);
  });

  it("refuses files over 10 MiB in one message with Discord's 40005", async () => {
    const big = new Uint8Array(UPLOAD_LIMIT + 1);
    const answer = await upload({ content: "big", allowed_mentions: { parse: [] } }, [{ name: "big.png", data: big }]);
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ message: "Request entity too large", code: 40005 });
    expect(discord.messages).toEqual([]);
    expect((await upload({ content: "fits", allowed_mentions: { parse: [] } }, [{ name: "ok.png", data: new Uint8Array(UPLOAD_LIMIT) }])).status).toBe(200);
  });

  it("refuses an attachments entry without its file, alt text over 1,024 characters, and a malformed body", async () => {
    const noFile = await upload({ content: "x", attachments: [{ id: 1, filename: "a.png" }], allowed_mentions: { parse: [] } }, [{ name: "a.png", data: png }]);
    expect(noFile.status).toBe(400);
    expect(await noFile.json()).toMatchObject({ code: 50035 });
    const longAlt = await upload({ content: "x", attachments: [{ id: 0, description: "a".repeat(1025) }], allowed_mentions: { parse: [] } }, [
      { name: "a.png", data: png },
    ]);
    expect(longAlt.status).toBe(400);
    const broken = await fetch(`${discord.webhookUrl}?wait=true`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=xyz" },
      body: "--xyz\r\nno headers",
    });
    expect(broken.status).toBe(400);
    expect(discord.messages).toEqual([]);
  });
});
