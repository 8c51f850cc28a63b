import { fetchDroppingFirstAnswer } from "../helpers/server.js";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { SlackMessage } from "../../src/destinations/slack/blocks.js";
import { createSlackWebhookClient } from "../../src/destinations/slack/webhook.js";
import { SlackError } from "../../src/errors.js";
import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-server.js";

const hello: SlackMessage = { text: "hello", blocks: [{ type: "section", text: { type: "mrkdwn", text: "hello" } }], unfurl_links: false, unfurl_media: false };

describe("slack webhook delivery", () => {
  let slack: FakeSlack;
  let logs: LogRecord[];
  let secrets: Secrets;
  const client = (url = slack.webhookUrl, maxRetries = 3) =>
    createSlackWebhookClient(url, {
      destination: "slack",
      secrets,
      logger: createLogger({ secrets, sink: (r) => logs.push(r), minSeverity: "DEBUG" }),
      maxRetries,
      backoffMs: 5,
    });
  const failure = async (promise: Promise<unknown>): Promise<SlackError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlackError);
    return error as SlackError;
  };
  const leaks = (text: string) => text.includes(slack.secret) || text.includes(slack.webhookUrl);

  beforeEach(async () => {
    slack = await startFakeSlack();
    logs = [];
    secrets = new Secrets();
  });
  afterEach(() => slack.close());

  it("posts the message as JSON and resolves on ok", async () => {
    await client().post(hello);
    expect(slack.requests[0]?.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(slack.requests[0]?.body ?? "")).toEqual(hello);
    expect(slack.messages).toHaveLength(1);
  });

  it("waits out a 429's Retry-After, then succeeds", async () => {
    slack.failNext(429, 1, { retryAfter: 1 });
    await client().post(hello);
    expect(slack.requests).toHaveLength(2);
    expect(slack.messages).toHaveLength(1);
    expect(logs.find((l) => l.message.includes("rate limited"))?.waitMs).toBe(1000);
  });

  it("gives up after a bounded number of 429s, and never waits for a Retry-After longer than allowed", async () => {
    slack.failNext(429, 10, { retryAfter: 0 });
    const error = await failure(client(undefined, 2).post(hello));
    expect(error).toMatchObject({ code: "slack_rate_limited", status: 429, message: "[slack] webhook T0FA…/B0HO…: rate limited 3 times; giving up" });
    expect(slack.requests).toHaveLength(3);
    await slack.close();
    slack = await startFakeSlack();
    slack.failNext(429, 1, { retryAfter: 3600 });
    expect((await failure(client().post(hello))).message).toContain("rate limited for 3600.0 s, longer than allowed");
    expect(slack.requests).toHaveLength(1);
  });

  it("retries Slack's 5xx rollup_error with backoff", async () => {
    slack.failNext(500, 2);
    await client().post(hello);
    expect(slack.requests).toHaveLength(3);
    expect(slack.messages).toHaveLength(1);
  });

  it.each([
    ["channel_not_found", "slack_channel_not_found", 404, "add a new webhook for an existing channel"],
    ["channel_is_archived", "slack_channel_is_archived", 410, "unarchive it"],
    ["action_prohibited", "slack_action_prohibited", 403, "ask a Slack admin"],
    ["no_service", "slack_no_service", 404, "the webhook was disabled or removed"],
  ] as const)("fails at once on %s, saying what to do", async (state, code, status, advice) => {
    slack.setState(state);
    const error = await failure(client().post(hello));
    expect(error).toMatchObject({ code, status, slackError: state });
    expect(error.message).toMatch(new RegExp(`^\\[slack\\] webhook T0FA…/B0HO…: Slack answered ${status} ${state}: .*${advice}`));
    expect(slack.requests).toHaveLength(1);
  });

  it("fails at once on invalid_blocks and no_text, which retrying can't fix", async () => {
    const tooMany: SlackMessage = { ...hello, blocks: Array.from({ length: 51 }, () => ({ type: "divider" })) };
    expect(await failure(client().post(tooMany))).toMatchObject({ code: "slack_invalid_blocks", status: 400 });
    expect(await failure(client().post({ ...hello, text: "", blocks: undefined } as unknown as SlackMessage))).toMatchObject({
      code: "slack_no_text",
      status: 400,
    });
    expect(slack.requests).toHaveLength(2);
  });

  it("fails on a wrong secret without ever showing it or the URL", async () => {
    const wrong = slack.webhookUrl.replace(slack.secret, "wrongSecretXyz0123456789");
    const error = await failure(client(wrong).post(hello));
    expect(error).toMatchObject({ code: "slack_invalid_token", status: 403 });
    expect(error.message).toBe(
      "[slack] webhook T0FA…/B0HO…: Slack answered 403 invalid_token: the webhook's secret is invalid or was revoked (Slack revokes leaked URLs); add a new webhook and update the URL",
    );
    expect(error.message + JSON.stringify(logs)).not.toContain("wrongSecretXyz0123456789");
  });

  it("retries network errors, then names the failure without the URL", async () => {
    const url = slack.webhookUrl;
    await slack.close();
    const error = await failure(client(url, 1).post(hello));
    expect(error).toMatchObject({ code: "slack_network", message: "[slack] webhook T0FA…/B0HO…: network error ECONNREFUSED after 2 attempts" });
    expect(logs.filter((l) => l.message.includes("retrying"))).toHaveLength(1);
    expect(leaks(error.message + JSON.stringify(logs))).toBe(false);
    expect(error.cause).toBeUndefined();
  });

  it("never re-sends a post that went unanswered: it may have landed", async () => {
    slack.answerLateNext(60_000);
    const slow = createSlackWebhookClient(slack.webhookUrl, { destination: "slack", secrets, maxRetries: 3, backoffMs: 5, timeoutMs: 300 });
    const error = await failure(slow.post(hello));
    expect(error).toMatchObject({ code: "slack_unanswered", unanswered: true });
    expect(error.message).toBe(
      "[slack] webhook T0FA…/B0HO…: request timed out before Slack answered; the message may have been posted, so it is not sent again",
    );
    expect(slack.requests).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
  });

  it("a connection lost after sending is unanswered too, not retried", async () => {
    // The request reaches Slack, then the connection drops before the answer.
    const dropFirst = fetchDroppingFirstAnswer();
    const flaky = createSlackWebhookClient(slack.webhookUrl, { destination: "slack", secrets, maxRetries: 3, backoffMs: 5, fetch: dropFirst });
    expect((await failure(flaky.post(hello))).code).toBe("slack_unanswered");
    expect(slack.messages).toHaveLength(1);
  });

  it("registers the URL and its secret as secrets", () => {
    client();
    expect(secrets.redact(`see ${slack.webhookUrl} and ${slack.secret}`)).toBe("see [redacted] and [redacted]");
  });

  it("keeps posting in order through a real rate limit", async () => {
    await slack.close();
    slack = await startFakeSlack({ rateLimit: { limit: 2, windowMs: 1000 } });
    const webhook = client();
    for (const text of ["m0", "m1", "m2"]) await webhook.post({ ...hello, text });
    expect(slack.messages.map((m) => m.text)).toEqual(["m0", "m1", "m2"]);
  }, 20_000);
});
