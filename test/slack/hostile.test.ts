import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { SlackMessage } from "../../src/destinations/slack/blocks.js";
import { createSlackWebhookClient } from "../../src/destinations/slack/webhook.js";
import { SlackError } from "../../src/errors.js";
import { Secrets } from "../../src/log/secrets.js";
import { startFakeSlack, type FakeSlack, type SlackHookState } from "../fakes/slack-server.js";

const hello: SlackMessage = { text: "hello", blocks: [{ type: "section", text: { type: "mrkdwn", text: "hello" } }], unfurl_links: false, unfurl_media: false };

describe("slack webhook: every plain-text error, and bodies that aren't", () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(() => slack.close());

  const client = () => createSlackWebhookClient(slack.webhookUrl, { destination: "slack", secrets: new Secrets(), maxRetries: 3, backoffMs: 1 });
  it.each<[Exclude<SlackHookState, "ok">, string, RegExp]>([
    ["channel_not_found", "slack_channel_not_found", /add a new webhook for an existing channel/],
    ["channel_is_archived", "slack_channel_is_archived", /unarchive it/],
    ["action_prohibited", "slack_action_prohibited", /ask a Slack admin/],
    ["no_service", "slack_no_service", /add a new one/],
  ])("%s fails at once, once, with what to do and without the URL", async (state, code, advice) => {
    slack.setState(state);
    const error: unknown = await client()
      .post(hello)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(advice) });
    expect(String((error as Error).message)).not.toContain(slack.secret);
    expect(slack.requests).toHaveLength(1);
  });

  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "a 400 whose body is %s is an unexpected response, not a known Slack error",
    async (body) => {
      slack.failNext(400, 1, { body });
      await expect(client().post(hello)).rejects.toMatchObject({
        code: "slack_unexpected_response",
        message: `[slack] webhook T0FA…/B0HO…: Slack answered 400: ${body}`,
      });
    },
  );

  it("a 500 whose body is toString is retried like any 5xx", async () => {
    slack.failNext(500, 1, { body: "toString" });
    await client().post(hello);
    expect(slack.requests).toHaveLength(2);
    expect(slack.messages).toHaveLength(1);
  });
});
