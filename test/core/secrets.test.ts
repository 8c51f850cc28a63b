import { describe, expect, it } from "@jest/globals";
import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";

describe("Secrets", () => {
  it("masks each secret, URL-encoded and JSON-escaped forms too", () => {
    const secrets = new Secrets().add("p@ss w\"rd!");
    expect(secrets.redact('login p@ss w"rd! / p%40ss%20w%22rd! / "p@ss w\\"rd!"')).not.toMatch(/p@ss|p%40ss/);
  });

  it("masks a webhook URL whole and its token part alone", () => {
    const secrets = new Secrets().addUrl("https://discord.com/api/webhooks/123/tok-en_SECRET");
    expect(secrets.redact("posting to https://discord.com/api/webhooks/123/tok-en_SECRET")).toBe("posting to [redacted]");
    expect(secrets.redact("token tok-en_SECRET leaked")).toBe("token [redacted] leaked");
  });

  it("ignores values too short to be credentials", () => {
    expect(new Secrets().add("on", "1").redact("turned on 1 time")).toBe("turned on 1 time");
  });

  it("redacts every log line, including nested fields", () => {
    const lines: LogRecord[] = [];
    const secrets = new Secrets().add("sk_live_123456");
    const logger = createLogger({ secrets, sink: (r) => lines.push(r) }).child({ job: "daily" });
    logger.error("failed with sk_live_123456", { detail: { header: "Bearer sk_live_123456" } });
    expect(JSON.stringify(lines)).not.toContain("sk_live_123456");
    expect(lines[0]).toMatchObject({ severity: "ERROR", job: "daily", message: "failed with [redacted]" });
  });
});
