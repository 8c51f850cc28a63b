import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-server.js";

/** The fake itself against the reference (slack-webhooks.md), so client tests can trust it. */
describe("the fake Slack webhook", () => {
  let slack: FakeSlack;
  const post = (body: unknown, url = slack.webhookUrl) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const answer = async (response: Response) => ({ status: response.status, body: await response.text() });
  const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(() => slack.close());

  it("answers 200 ok in plain text and keeps the message", async () => {
    const response = await post({ text: "hello", blocks: [section("hi")] });
    expect(await answer(response)).toEqual({ status: 200, body: "ok" });
    expect(response.headers.get("content-type")).toBe("text/html");
    expect(slack.messages).toEqual([{ text: "hello", blocks: [section("hi")], body: { text: "hello", blocks: [section("hi")] } }]);
  });

  it("refuses a body that is not JSON, and a message with nothing to show", async () => {
    expect(await answer(await post("{not json"))).toEqual({ status: 400, body: "invalid_payload" });
    expect(await answer(await post({ text: "  " }))).toEqual({ status: 400, body: "no_text" });
    expect(slack.messages).toHaveLength(0);
  });

  it.each([
    ["51 blocks", Array.from({ length: 51 }, () => section("x"))],
    ["11 fields", [{ type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "x" })) }]],
    ["a field of 2,001 characters", [{ type: "section", fields: [{ type: "mrkdwn", text: "x".repeat(2001) }] }]],
    ["a section text of 3,001 characters", [section("x".repeat(3001))]],
    ["an empty section text", [section("")]],
    ["a header of 151 characters", [{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }]],
    ["a mrkdwn header", [{ type: "header", text: { type: "mrkdwn", text: "x" } }]],
    ["11 context elements", [{ type: "context", elements: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "x" })) }]],
    ["an unknown block type", [{ type: "chart" }]],
  ])("refuses %s with invalid_blocks", async (_what, blocks) => {
    expect(await answer(await post({ text: "t", blocks }))).toEqual({ status: 400, body: "invalid_blocks" });
  });

  it("accepts every limit exactly, counting characters rather than UTF-16 units", async () => {
    const blocks = [
      { type: "header", text: { type: "plain_text", text: "▲".repeat(150) } },
      section("😀".repeat(3000)),
      { type: "section", fields: Array.from({ length: 10 }, () => ({ type: "mrkdwn", text: "x".repeat(2000) })) },
      ...Array.from({ length: 47 }, () => ({ type: "context", elements: [{ type: "mrkdwn", text: "c" }] })),
    ];
    expect(await answer(await post({ text: "t", blocks }))).toEqual({ status: 200, body: "ok" });
  });

  it("names a wrong secret, team or webhook as Slack does", async () => {
    expect(await answer(await post({ text: "t" }, slack.webhookUrl.replace(slack.secret, "wrongSecret0000000000000")))).toEqual({
      status: 403,
      body: "invalid_token",
    });
    expect(await answer(await post({ text: "t" }, slack.webhookUrl.replace(slack.botId, "B0OTHER000")))).toEqual({ status: 404, body: "no_service" });
    expect(await answer(await post({ text: "t" }, slack.webhookUrl.replace(slack.teamId, "T0OTHER000")))).toEqual({ status: 404, body: "no_team" });
  });

  it.each([
    ["channel_not_found", 404],
    ["channel_is_archived", 410],
    ["action_prohibited", 403],
    ["no_service", 404],
  ] as const)("answers %s with %i once the hook is in that state", async (state, status) => {
    slack.setState(state);
    expect(await answer(await post({ text: "t" }))).toEqual({ status, body: state });
    expect(slack.messages).toHaveLength(0);
  });

  it("can keep a post and answer it late", async () => {
    slack.answerLateNext(300);
    const response = await post({ text: "late" });
    expect(await answer(response)).toEqual({ status: 200, body: "ok" });
    expect(slack.messages.map((m) => m.text)).toEqual(["late"]);
  });

  it("can remove the hook after a number of accepted messages", async () => {
    slack.setState("no_service", 2);
    const statuses = [];
    for (const text of ["a", "b", "c"]) statuses.push((await post({ text })).status);
    expect(statuses).toEqual([200, 200, 404]);
    expect(slack.messages.map((m) => m.text)).toEqual(["a", "b"]);
  });

  it("sends Retry-After in whole seconds on a 429, and rate limits for real when asked", async () => {
    slack.failNext(429);
    const limited = await post({ text: "t" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    await slack.close();
    slack = await startFakeSlack({ rateLimit: { limit: 1, windowMs: 60_000 } });
    expect((await post({ text: "a" })).status).toBe(200);
    const second = await post({ text: "b" });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(59);
    expect(slack.messages.map((m) => m.text)).toEqual(["a"]);
  });
});
