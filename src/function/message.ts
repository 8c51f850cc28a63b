import { isIsoDate } from "../dates.js";
import { MessageError } from "../errors.js";
import { JOBS, type Job } from "../types.js";

/** A Pub/Sub message as Eventarc (and the Functions Framework, for a push body) hands it over. */
export interface PubSubMessage {
  /** Base64 of the payload; a JSON `JobRequest` for kpi-collector. */
  data?: string;
  /** String key/values set by the publisher; `job` is read from here when the payload has none. */
  attributes?: Record<string, string>;
  /** Equals the CloudEvent `id`. */
  messageId?: string;
  /** RFC 3339; equals the CloudEvent `time`. */
  publishTime?: string;
}

/** `data` of a `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent. */
export interface PubSubEventData {
  message?: PubSubMessage;
  /** `projects/P/subscriptions/S`; dropped by the framework when it converts a push body locally. */
  subscription?: string;
}

/** What a message asks for: the JSON payload Cloud Scheduler and the publish script send. */
export interface JobRequest {
  job: Job;
  /** The run date, for backfills. @default today in the config's time zone */
  date?: string;
  /** Run only these sources. */
  only?: string[];
}

const KEYS = new Set(["job", "date", "only"]);

/** Decodes the event's message once, at the boundary. The payload's `job` wins over the attribute. */
export function decodeJobRequest(data: unknown): JobRequest {
  const message = (data as PubSubEventData | null | undefined)?.message;
  if (!message || typeof message !== "object") throw new MessageError("the event carries no Pub/Sub message");
  const payload = decodePayload(message.data);
  const unknown = Object.keys(payload).filter((key) => !KEYS.has(key));
  if (unknown.length)
    throw new MessageError(`unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} in the message; expected job, date, only`);
  const job = payload.job ?? message.attributes?.job;
  if (job === undefined) throw new MessageError(`the message names no job; set "job" in the data or as an attribute (${JOBS.join(" or ")})`);
  if (typeof job !== "string" || !(JOBS as readonly string[]).includes(job)) {
    throw new MessageError(`unknown job ${JSON.stringify(job)}; expected ${JOBS.map((j) => `"${j}"`).join(" or ")}`);
  }
  const request: JobRequest = { job: job as Job };
  if (payload.date !== undefined) {
    if (typeof payload.date !== "string" || !isIsoDate(payload.date))
      throw new MessageError(`date ${JSON.stringify(payload.date)} is not a date; use YYYY-MM-DD`);
    request.date = payload.date;
  }
  if (payload.only !== undefined) {
    const only = payload.only;
    if (!Array.isArray(only) || only.length === 0 || !only.every((name) => typeof name === "string" && name.length > 0)) {
      throw new MessageError(`only must be a non-empty list of source names, got ${JSON.stringify(only)}`);
    }
    request.only = only as string[];
  }
  return request;
}

function decodePayload(data: string | undefined): Record<string, unknown> {
  if (data === undefined || data === "") return {};
  if (typeof data !== "string") throw new MessageError("message.data is not a base64 string");
  const text = decodeBase64Text(data);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MessageError(`message data is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new MessageError(`message data must be a JSON object, got ${JSON.stringify(parsed)}`);
  return parsed as Record<string, unknown>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** `data` as text; Buffer would skip characters that are not base64 and decode what is left. */
function decodeBase64Text(data: string): string {
  if ((!BASE64.test(data) && !BASE64URL.test(data)) || data.replace(/=+$/, "").length % 4 === 1) {
    const bad = /[^A-Za-z0-9+/=_-]/.exec(data);
    const where = bad ? `${JSON.stringify(bad[0])} at position ${bad.index}` : `its length or padding (${data.length} characters)`;
    throw new MessageError(
      `message data is not base64 (${where}; it starts ${JSON.stringify(data.slice(0, 40))}); publish the JSON payload base64-encoded, as gcloud --message and the client libraries do`,
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(data, "base64"));
  } catch {
    throw new MessageError("message data is base64, but what it encodes is not UTF-8 text; publish a JSON payload");
  }
}

/** The base64 payload the publish and trigger scripts send; the inverse of `decodeJobRequest`. */
export function encodeJobRequest(request: JobRequest): string {
  return Buffer.from(JSON.stringify(request)).toString("base64");
}
