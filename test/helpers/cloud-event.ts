import type { CloudEvent } from "@google-cloud/functions-framework";

/** A Pub/Sub message as Eventarc hands it to the function: a `messagePublished` CloudEvent; a string payload goes as it is. */
export function pubsubEvent(
  payload: unknown,
  options: { id: string; time: string; attributes?: Record<string, string>; publishTime?: string },
): CloudEvent<unknown> {
  const data = Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload)).toString("base64");
  return {
    specversion: "1.0",
    id: options.id,
    source: "//pubsub.googleapis.com/projects/p/topics/t",
    type: "google.cloud.pubsub.topic.v1.messagePublished",
    time: options.time,
    data: {
      message: { data, attributes: options.attributes ?? {}, messageId: options.id, ...(options.publishTime ? { publishTime: options.publishTime } : {}) },
    },
  };
}

/** A job as Cloud Scheduler publishes it: no `date` in the payload, published at `time`. */
export function scheduledEvent(job: string, id: string, time: string): CloudEvent<unknown> {
  return pubsubEvent({ job }, { id, time, publishTime: time });
}
