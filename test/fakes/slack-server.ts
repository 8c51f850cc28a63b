import type { ServerResponse } from "node:http";
import { startServer, type TestServer } from "../helpers/server.js";

/** A message the fake accepted. */
export interface FakeSlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
  body: Record<string, unknown>;
}

export interface SlackFailOptions {
  /** `Retry-After` of a 429, in seconds as Slack sends it. @default 1 */
  retryAfter?: number;
  /** The plain-text body. @default `rate_limited` for 429, `rollup_error` for 5xx */
  body?: string;
}

/** What happened to the webhook's channel or app, as Slack reports it on every later post. */
export type SlackHookState = "ok" | "channel_not_found" | "channel_is_archived" | "action_prohibited" | "no_service";

export interface FakeSlack {
  /** `http://127.0.0.1:PORT/services/T…/B…/SECRET`. */
  webhookUrl: string;
  teamId: string;
  botId: string;
  secret: string;
  /** Every message accepted, in order. */
  messages: FakeSlackMessage[];
  /** Every request received, accepted or not. */
  requests: TestServer["requests"];
  /** Answer the next `times` posts with `status` (429 with `Retry-After`, 5xx `rollup_error`). */
  failNext(status: number, times?: number, options?: SlackFailOptions): void;
  /** Accept the next post, but answer it only after `ms`: a client that times out first doesn't know it landed. */
  answerLateNext(ms: number): void;
  /** From now on (or once `afterMessages` more are accepted), every post fails as Slack answers in that state. */
  setState(state: SlackHookState, afterMessages?: number): void;
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  /** Enforce a real limit: `limit` posts per `windowMs`, then 429 with `Retry-After` in whole seconds. @default off */
  rateLimit?: { limit: number; windowMs: number };
}

/** Block Kit's limits (blocks reference), as Slack enforces them with `invalid_blocks`. */
const LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, fields: 10, fieldText: 2000, contextElements: 10, blockId: 255 };
const STATE_STATUS: Record<Exclude<SlackHookState, "ok">, number> = {
  channel_not_found: 404,
  channel_is_archived: 410,
  action_prohibited: 403,
  no_service: 404,
};
const PATH = /^\/services\/([^/]+)\/([^/]+)\/([^/?]+)$/;

/**
 * A Slack incoming webhook on 127.0.0.1: `ok` on success, else Slack's short plain-text errors
 * (served as text/html, as observed), with the Block Kit limits enforced.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const teamId = "T0FAKE1234";
  const botId = "B0HOOK5678";
  const secret = "fakeSecretAbcdefGhij0123";
  const messages: FakeSlackMessage[] = [];
  const failures: { status: number; options: SlackFailOptions }[] = [];
  let state: SlackHookState = "ok";
  let pending: { state: SlackHookState; at: number } | undefined;
  let lateMs: number | undefined;
  let window = { start: Date.now(), used: 0 };

  const server = await startServer((req, res) => {
    const match = PATH.exec(req.url ?? "");
    if (req.method !== "POST" || !match) return sendText(res, 404, "no_service");
    if (match[1] !== teamId) return sendText(res, 404, "no_team");
    if (match[2] !== botId) return sendText(res, 404, "no_service");
    if (match[3] !== secret) return sendText(res, 403, "invalid_token");
    if (pending && messages.length >= pending.at) [state, pending] = [pending.state, undefined];
    if (state !== "ok") return sendText(res, STATE_STATUS[state], state);
    const failure = failures.shift();
    if (failure) return fail(res, failure.status, failure.options);
    if (options.rateLimit) {
      const { limit, windowMs } = options.rateLimit;
      if (Date.now() - window.start >= windowMs) window = { start: Date.now(), used: 0 };
      if (window.used >= limit) return fail(res, 429, { retryAfter: Math.ceil(Math.max(0, windowMs - (Date.now() - window.start)) / 1000) });
      window.used++;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
      if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("not an object");
    } catch {
      return sendText(res, 400, "invalid_payload");
    }
    const blocks = body.blocks;
    const hasText = typeof body.text === "string" && body.text.trim() !== "";
    if (!hasText && blocks === undefined && body.attachments === undefined) return sendText(res, 400, "no_text");
    if (blocks !== undefined && !validBlocks(blocks)) return sendText(res, 400, "invalid_blocks");
    messages.push({ text: typeof body.text === "string" ? body.text : "", blocks: (blocks ?? []) as Record<string, unknown>[], body });
    const late = lateMs;
    lateMs = undefined;
    if (late === undefined) return sendText(res, 200, "ok");
    const timer = setTimeout(() => sendText(res, 200, "ok"), late);
    res.on("close", () => clearTimeout(timer));
  });

  return {
    webhookUrl: `${server.url}/services/${teamId}/${botId}/${secret}`,
    teamId,
    botId,
    secret,
    messages,
    requests: server.requests,
    failNext: (status, times = 1, failOptions = {}) => {
      for (let i = 0; i < times; i++) failures.push({ status, options: failOptions });
    },
    answerLateNext: (ms) => {
      lateMs = ms;
    },
    setState: (next, afterMessages = 0) => {
      pending = { state: next, at: messages.length + afterMessages };
    },
    close: () => server.close(),
  };
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/html", ...headers });
  res.end(text);
}

function fail(res: ServerResponse, status: number, options: SlackFailOptions): void {
  if (status === 429) return sendText(res, 429, options.body ?? "rate_limited", { "retry-after": String(options.retryAfter ?? 1) });
  sendText(res, status, options.body ?? "rollup_error");
}

/** Slack counts characters, not UTF-16 units. */
const length = (value: unknown): number => (typeof value === "string" ? [...value].length : 0);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => !!value && typeof value === "object" && !Array.isArray(value);

/** A text object: `plain_text` or `mrkdwn`, 1 to `max` characters. */
function validText(value: unknown, max: number, plainOnly = false): boolean {
  if (!isObject(value) || typeof value.text !== "string") return false;
  if (value.type !== "plain_text" && (plainOnly || value.type !== "mrkdwn")) return false;
  return length(value.text) >= 1 && length(value.text) <= max;
}

function validBlocks(blocks: unknown): boolean {
  if (!Array.isArray(blocks) || blocks.length > LIMITS.blocks) return false;
  return blocks.every((block) => {
    if (!isObject(block)) return false;
    if (block.block_id !== undefined && (typeof block.block_id !== "string" || length(block.block_id) > LIMITS.blockId)) return false;
    switch (block.type) {
      case "header":
        return validText(block.text, LIMITS.headerText, true);
      case "section": {
        if (block.text === undefined && block.fields === undefined) return false;
        if (block.text !== undefined && !validText(block.text, LIMITS.sectionText)) return false;
        if (block.fields === undefined) return true;
        const fields = block.fields;
        return Array.isArray(fields) && fields.length >= 1 && fields.length <= LIMITS.fields && fields.every((f) => validText(f, LIMITS.fieldText));
      }
      case "context": {
        const elements = block.elements;
        return (
          Array.isArray(elements) &&
          elements.length >= 1 &&
          elements.length <= LIMITS.contextElements &&
          elements.every((e) => validText(e, Number.MAX_SAFE_INTEGER))
        );
      }
      case "divider":
        return true;
      default:
        return false;
    }
  });
}
