import { describe, expect, it } from "@jest/globals";
import { decodeJobRequest, encodeJobRequest } from "../../src/function/message.js";
import { isKpiError, type MessageError } from "../../src/errors.js";

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64");
const event = (data: string | undefined, attributes?: Record<string, string>) => ({ message: { data, attributes, messageId: "1" } });

describe("decodeJobRequest", () => {
  it.each([
    ["job in data", event(b64({ job: "daily" })), { job: "daily" }],
    ["job as attribute only", event(b64({}), { job: "weekly-report" }), { job: "weekly-report" }],
    ["data wins over the attribute", event(b64({ job: "daily" }), { job: "weekly-report" }), { job: "daily" }],
    ["no data, job attribute", event(undefined, { job: "daily" }), { job: "daily" }],
    [
      "date and only",
      event(b64({ job: "daily", date: "2024-02-29", only: ["stripe", "site"] })),
      { job: "daily", date: "2024-02-29", only: ["stripe", "site"] },
    ],
  ])("%s", (_, data, expected) => {
    expect(decodeJobRequest(data)).toEqual(expected);
  });

  it.each([
    ["bad JSON", event(b64("{job: daily")), /not JSON: "\{job: daily"/],
    ["JSON that is not an object", event(b64([1])), /must be a JSON object, got \[1\]/],
    ["unknown job", event(b64({ job: "hourly" })), /unknown job "hourly"; expected "daily" or "weekly-report"/],
    ["unknown job attribute", event(b64({}), { job: "monthly" }), /unknown job "monthly"/],
    ["no job", event(b64({ date: "2024-01-01" })), /names no job/],
    ["bad date", event(b64({ job: "daily", date: "2024-02-30" })), /date "2024-02-30" is not a date; use YYYY-MM-DD/],
    ["date not a string", event(b64({ job: "daily", date: 20240101 })), /date 20240101 is not a date/],
    ["empty only", event(b64({ job: "daily", only: [] })), /only must be a non-empty list of source names, got \[\]/],
    ["only not strings", event(b64({ job: "daily", only: "stripe" })), /only must be a non-empty list/],
    ["unknown key", event(b64({ job: "daily", dates: "2024-01-01" })), /unknown key "dates"/],
    ["no message", { subscription: "s" }, /no Pub\/Sub message/],
    [
      "JSON sent without base64",
      event('{"job":"daily"}'),
      /^message data is not base64 \("\{" at position 0; it starts "\{\\"job\\":\\"daily\\"\}"\); publish the JSON payload base64-encoded/,
    ],
    ["text with spaces", event("not base64 at all"), /not base64 \(" " at position 3;/],
    ["a cut-off base64", event(b64({ job: "daily" }).slice(0, 5)), /not base64 \(its length or padding \(5 characters\)/],
    ["base64 of bytes that are not UTF-8", event(Buffer.from([0xff, 0xfe, 0x00]).toString("base64")), /base64, but what it encodes is not UTF-8 text/],
  ])("rejects %s with a MessageError naming the problem", (_, data, pattern) => {
    let caught: unknown;
    try {
      decodeJobRequest(data);
    } catch (error) {
      caught = error;
    }
    expect(isKpiError(caught, "message_invalid")).toBe(true);
    expect((caught as MessageError).code).toBe("message_invalid");
    expect((caught as MessageError).message).toMatch(pattern);
  });

  it("reads unpadded and URL-safe base64", () => {
    const data = b64({ job: "daily", only: ["ÿ?>"] });
    expect(data).toMatch(/[+/]/);
    expect(decodeJobRequest(event(data.replace(/=+$/, "")))).toEqual({ job: "daily", only: ["ÿ?>"] });
    expect(decodeJobRequest(event(data.replace(/\+/g, "-").replace(/\//g, "_")))).toEqual({ job: "daily", only: ["ÿ?>"] });
  });

  it("round-trips what the publish script encodes", () => {
    const request = { job: "weekly-report" as const, date: "2024-05-06", only: ["a"] };
    expect(decodeJobRequest(event(encodeJobRequest(request)))).toEqual(request);
  });
});
