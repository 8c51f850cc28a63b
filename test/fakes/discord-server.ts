import type { ServerResponse } from "node:http";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";
import { formBoundary, parseMultipart } from "./multipart.js";

/** A file uploaded with a message, as Discord stores it. */
export interface FakeAttachment {
  id: string;
  /** Sanitized as Discord does: `hello (world).png` becomes `hello_world.png`. */
  filename: string;
  description?: string;
  content_type?: string;
  size: number;
  data: Buffer;
}

/** A message the fake accepted, as Discord would store it. */
export interface FakeDiscordMessage {
  id: string;
  content: string;
  username?: string;
  embeds: Record<string, unknown>[];
  allowed_mentions?: unknown;
  /** Files uploaded with the message (multipart `files[n]`). */
  attachments: FakeAttachment[];
  body: Record<string, unknown>;
}

export interface FailOptions {
  /** Seconds, possibly fractional, for a 429 (body `retry_after` and `Retry-After`). @default 0.05 */
  retryAfter?: number;
  /** Send only the `Retry-After` header, no JSON body. */
  headerOnly?: boolean;
}

export interface FakeDiscord {
  /** `http://127.0.0.1:PORT/api/webhooks/ID/TOKEN`. */
  webhookUrl: string;
  id: string;
  token: string;
  /** Every message accepted, in order. */
  messages: FakeDiscordMessage[];
  /** Every request received, accepted or not. */
  requests: TestServer["requests"];
  /**
   * Mistakes Discord lets pass silently: an embed image naming an attachment the message didn't
   * upload is dropped from the embed (the message still posts). Tests expect this to stay empty.
   */
  errors: string[];
  /** Answer the next `times` executions with `status` (429 with `retry_after`, 5xx with a JSON error). */
  failNext(status: number, times?: number, options?: FailOptions): void;
  /**
   * The next `times` executions are posted (kept in `messages`) but their answer is held for
   * `delayMs`: a client with a shorter timeout sees no answer for a message that landed.
   */
  answerLateNext(delayMs: number, times?: number): void;
  /** The webhook is deleted: from now on 404 code 10015. */
  deleteWebhook(): void;
  close(): Promise<void>;
}

export interface FakeDiscordOptions {
  /** Enforce a real bucket: `limit` executions per `windowMs`, then 429. @default off */
  rateLimit?: { limit: number; windowMs: number };
}

// Discord's documented limits, written out again on purpose: taken from src/ (DISCORD_LIMITS), a wrong
// limit there would pass the very tests meant to catch it.
const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
};
/** Discord's upload limit for webhooks since 2025-01-16: 10 MiB of files per message. */
export const UPLOAD_LIMIT = 10 * 1024 * 1024;
const PATH = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/?]+)(?:\?(.*))?$/;

/** A Discord webhook endpoint on 127.0.0.1 that enforces the documented limits and error codes. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const id = "1234567890123456789";
  const token = "fake-T0ken_abcdefghijklmnopqrstuvwxyz0123456789";
  const messages: FakeDiscordMessage[] = [];
  const errors: string[] = [];
  const failures: { status: number; options: FailOptions }[] = [];
  const lateAnswers: number[] = [];
  /** Answers held back by `answerLateNext`, released at close. */
  const held = new Set<() => void>();
  let deleted = false;
  let bucket = { start: Date.now(), used: 0 };
  let nextId = 1n;

  const server = await startServer(async (req, res) => {
    const match = PATH.exec(req.url ?? "");
    if (req.method !== "POST" || !match) return sendJson(res, 404, { message: "404: Not Found", code: 0 });
    if (match[1] !== id || deleted) return sendJson(res, 404, { message: "Unknown Webhook", code: 10015 });
    if (match[2] !== token) return sendJson(res, 401, { message: "Invalid Webhook Token", code: 50027 });
    const failure = failures.shift();
    if (failure) return fail(res, failure.status, failure.options);
    if (options.rateLimit) {
      const { limit, windowMs } = options.rateLimit;
      if (Date.now() - bucket.start >= windowMs) bucket = { start: Date.now(), used: 0 };
      if (bucket.used >= limit) return fail(res, 429, { retryAfter: (windowMs - (Date.now() - bucket.start)) / 1000 });
      bucket.used++;
    }
    const form = readForm(req.headers["content-type"], req.rawBody);
    if (form === "invalid")
      return sendJson(res, 400, {
        message: "Invalid Form Body",
        code: 50035,
        errors: { _errors: [{ code: "MULTIPART_INVALID", message: "Invalid multipart body" }] },
      });
    if (form === "too large") return sendJson(res, 413, { message: "Request entity too large", code: 40005 });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(form?.payload ?? req.body) as Record<string, unknown>;
      if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error("not an object");
    } catch {
      return sendJson(res, 400, { message: "The request body contains invalid JSON.", code: 50109 });
    }
    // A JSON body uploads nothing: its `attachments` entries name no part, and the message is judged without them.
    const attachments = form ? uploads(form.files, body.attachments, nextId) : [];
    if (typeof attachments === "string")
      return sendJson(res, 400, {
        message: "Invalid Form Body",
        code: 50035,
        errors: { attachments: { _errors: [{ code: "ATTACHMENT_INVALID", message: attachments }] } },
      });
    const problem = validate(body, attachments.length);
    if (problem === "empty") return sendJson(res, 400, { message: "Cannot send an empty message", code: 50006 });
    if (problem) return sendJson(res, 400, { message: "Invalid Form Body", code: 50035, errors: problem });
    const message: FakeDiscordMessage = {
      id: String(1_100_000_000_000_000_000n + nextId++),
      content: typeof body.content === "string" ? body.content : "",
      username: typeof body.username === "string" ? body.username : undefined,
      embeds: Array.isArray(body.embeds) ? dropUnknownImages(body.embeds as Record<string, unknown>[], attachments, errors) : [],
      allowed_mentions: body.allowed_mentions,
      attachments,
      body,
    };
    messages.push(message);
    const late = lateAnswers.shift();
    if (late !== undefined) {
      await new Promise<void>((resolve) => {
        const release = () => {
          clearTimeout(timer);
          held.delete(release);
          resolve();
        };
        const timer = setTimeout(release, late);
        held.add(release);
      });
    }
    if (res.destroyed) return;
    const headers = rateHeaders(options.rateLimit, bucket);
    const wait = new URLSearchParams(match[3] ?? "").get("wait") === "true";
    if (!wait) {
      res.writeHead(204, headers);
      return void res.end();
    }
    const { body: _body, attachments: files, ...stored } = message;
    const shown = files.map(({ data: _data, ...file }) => ({ ...file, url: `https://cdn.discordapp.com/attachments/42/${file.id}/${file.filename}` }));
    sendJson(res, 200, { ...stored, attachments: shown, type: 0, channel_id: "42", webhook_id: id, timestamp: new Date().toISOString() }, headers);
  });

  return {
    webhookUrl: `${server.url}/api/webhooks/${id}/${token}`,
    id,
    token,
    messages,
    requests: server.requests,
    errors,
    failNext: (status, times = 1, failOptions = {}) => {
      for (let i = 0; i < times; i++) failures.push({ status, options: failOptions });
    },
    answerLateNext: (delayMs, times = 1) => {
      for (let i = 0; i < times; i++) lateAnswers.push(delayMs);
    },
    deleteWebhook: () => {
      deleted = true;
    },
    close: () => {
      for (const release of [...held]) release();
      return server.close();
    },
  };
}

function fail(res: ServerResponse, status: number, options: FailOptions): void {
  if (status !== 429) return sendJson(res, status, { message: `${status}: Server Error`, code: 0 });
  const seconds = options.retryAfter ?? 0.05;
  const headers = {
    "retry-after": String(seconds),
    "x-ratelimit-scope": "user",
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset-after": String(seconds),
    "x-ratelimit-reset": resetAt(seconds),
  };
  if (options.headerOnly) {
    res.writeHead(429, headers);
    return void res.end();
  }
  sendJson(res, 429, { message: "You are being rate limited.", retry_after: seconds, global: false }, headers);
}

function rateHeaders(rateLimit: FakeDiscordOptions["rateLimit"], bucket: { start: number; used: number }): Record<string, string> {
  const limit = rateLimit?.limit ?? 5;
  const remaining = rateLimit ? Math.max(0, limit - bucket.used) : limit - 1;
  const resetAfter = rateLimit ? Math.max(0, rateLimit.windowMs - (Date.now() - bucket.start)) / 1000 : 2;
  return {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-reset": resetAt(resetAfter),
    "x-ratelimit-reset-after": resetAfter.toFixed(3),
    "x-ratelimit-bucket": "fake",
  };
}

/** `X-RateLimit-Reset`: when the bucket resets, in epoch seconds with a fraction, as Discord sends it. */
function resetAt(afterSeconds: number): string {
  return (Date.now() / 1000 + afterSeconds).toFixed(3);
}

/** Discord counts characters, not UTF-16 units. */
const length = (value: unknown): number => (typeof value === "string" ? [...value].length : 0);

type Errors = Record<string, unknown>;

/** `"empty"`, an `errors` object shaped like Discord's, or undefined when the body is valid. */
function validate(body: Record<string, unknown>, files: number): Errors | "empty" | undefined {
  const errors: Errors = {};
  const add = (path: (string | number)[], code: string, message: string) => {
    let node = errors;
    for (const key of path) node = (node[String(key)] ??= {}) as Errors;
    ((node._errors ??= []) as unknown[]).push({ code, message });
  };
  const max = (path: (string | number)[], value: unknown, limit: number) => {
    if (length(value) > limit) add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${limit} or fewer in length.`);
  };
  const embeds = Array.isArray(body.embeds) ? (body.embeds as Record<string, unknown>[]) : [];
  if (!length(body.content) && !embeds.length && !body.components && !body.file && !files) return "empty";
  const reserved = typeof body.username === "string" ? /discord|clyde/i.exec(body.username)?.[0] : undefined;
  if (reserved) add(["username"], "USERNAME_INVALID_CONTAINS", `Username cannot contain "${reserved.toLowerCase()}"`);
  max(["content"], body.content, LIMITS.content);
  if (embeds.length > LIMITS.embeds) add(["embeds"], "BASE_TYPE_MAX_LENGTH", `Must be ${LIMITS.embeds} or fewer in length.`);
  let total = 0;
  embeds.forEach((embed, i) => {
    const fields = Array.isArray(embed.fields) ? (embed.fields as Record<string, unknown>[]) : [];
    const footer = (embed.footer ?? {}) as Record<string, unknown>;
    const author = (embed.author ?? {}) as Record<string, unknown>;
    max(["embeds", i, "title"], embed.title, LIMITS.title);
    max(["embeds", i, "description"], embed.description, LIMITS.description);
    max(["embeds", i, "footer", "text"], footer.text, LIMITS.footer);
    max(["embeds", i, "author", "name"], author.name, LIMITS.author);
    if (fields.length > LIMITS.fields) add(["embeds", i, "fields"], "BASE_TYPE_MAX_LENGTH", `Must be ${LIMITS.fields} or fewer in length.`);
    fields.forEach((field, j) => {
      for (const [key, limit] of [
        ["name", LIMITS.fieldName],
        ["value", LIMITS.fieldValue],
      ] as const) {
        if (!length(field[key])) add(["embeds", i, "fields", j, key], "BASE_TYPE_REQUIRED", "This field is required");
        max(["embeds", i, "fields", j, key], field[key], limit);
        total += length(field[key]);
      }
    });
    total += length(embed.title) + length(embed.description) + length(footer.text) + length(author.name);
  });
  if (total > LIMITS.total) add(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", `Embed size exceeds maximum size of ${LIMITS.total}`);
  return Object.keys(errors).length ? errors : undefined;
}

/** A multipart body's JSON and files, undefined for a JSON body. */
function readForm(contentType: string | undefined, raw: Buffer): { payload?: string; files: Map<number, FormFile> } | "invalid" | "too large" | undefined {
  const boundary = formBoundary(contentType);
  if (!boundary) return undefined;
  let parts;
  try {
    parts = parseMultipart(raw, boundary);
  } catch {
    return "invalid";
  }
  const files = new Map<number, FormFile>();
  for (const part of parts) {
    const n = /^files\[(\d+)\]$/.exec(part.name)?.[1];
    if (n !== undefined) files.set(Number(n), { filename: part.filename ?? "", contentType: part.contentType, data: part.data });
  }
  const size = [...files.values()].reduce((sum, f) => sum + f.data.length, 0);
  if (size > UPLOAD_LIMIT) return "too large";
  return { payload: parts.find((p) => p.name === "payload_json")?.data.toString("utf8"), files };
}

interface FormFile {
  filename: string;
  contentType?: string;
  data: Buffer;
}

/** The uploads as attachments, their `attachments[]` entries (`id` = n of `files[n]`) adding filename and alt text; or what is wrong. */
function uploads(files: Map<number, FormFile>, requested: unknown, nextId: bigint): FakeAttachment[] | string {
  const entries = Array.isArray(requested) ? (requested as Record<string, unknown>[]) : [];
  for (const entry of entries) {
    if (!files.has(Number(entry.id))) return `attachments[].id ${String(entry.id)} names no files[n] part`;
    if (typeof entry.description === "string" && [...entry.description].length > 1024) return "description: Must be 1024 or fewer in length.";
  }
  return [...files.entries()].map(([n, file], i) => {
    const entry = entries.find((e) => Number(e.id) === n);
    const description = typeof entry?.description === "string" ? entry.description : undefined;
    const filename = sanitizeFilename(typeof entry?.filename === "string" ? entry.filename : file.filename);
    return {
      id: String(1_200_000_000_000_000_000n + nextId * 10n + BigInt(i)),
      filename,
      ...(description ? { description } : {}),
      content_type: file.contentType,
      size: file.data.length,
      data: file.data,
    };
  });
}

/** Like Flask's `secure_filename`, as Discord does: spaces become `_`, other characters go, no leading `_`. */
function sanitizeFilename(name: string): string {
  return name
    .replace(/\s+/g, "_")
    .replace(/[^A-Za-z0-9._-]/g, "")
    .replace(/^[._]+/, "");
}

/** Embed images naming `attachment://` files not uploaded: dropped, as Discord does, and recorded as an error. */
function dropUnknownImages(embeds: Record<string, unknown>[], attachments: FakeAttachment[], errors: string[]): Record<string, unknown>[] {
  return embeds.map((embed, i) => {
    const copy = { ...embed };
    for (const key of ["image", "thumbnail"] as const) {
      const url = (embed[key] as { url?: unknown } | undefined)?.url;
      if (typeof url !== "string" || !url.startsWith("attachment://")) continue;
      const name = url.slice("attachment://".length);
      if (attachments.some((a) => a.filename === name)) continue;
      errors.push(`embeds[${i}].${key}: ${url} names no file uploaded with the message`);
      delete copy[key];
    }
    return copy;
  });
}
