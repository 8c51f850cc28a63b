import { describe, expect, it } from "@jest/globals";
import { createLogger, jsonLineSink, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";

describe("Secrets", () => {
  it("masks each secret, URL-encoded, form-encoded and JSON-escaped forms too", () => {
    const secrets = new Secrets().add('p@ss w"rd!*');
    const text = secrets.redact('login p@ss w"rd!* / p%40ss%20w%22rd!* / p%40ss+w%22rd%21* / "p@ss w\\"rd!*"');
    expect(text).toBe('login [redacted] / [redacted] / [redacted] / "[redacted]"');
  });

  it("masks the forms other servers echo: lower-case percent escapes, PHP's escaped slash, HTML entities", () => {
    const secrets = new Secrets().add("s3cr+t/k=y&<x>");
    const text = secrets.redact('s3cr%2bt%2fk%3dy%26%3cx%3e / s3cr%2bt%2fk%3dy%26%3cx%3e / {"k":"s3cr+t\\/k=y&<x>"} / <p>s3cr+t/k=y&amp;&lt;x&gt;</p>');
    expect(text).toBe('[redacted] / [redacted] / {"k":"[redacted]"} / <p>[redacted]</p>');
  });

  it("masks a webhook URL whole and its token part alone", () => {
    const secrets = new Secrets().addUrl("https://discord.com/api/webhooks/123/tok-en_SECRET");
    expect(secrets.redact("posting to https://discord.com/api/webhooks/123/tok-en_SECRET")).toBe("posting to [redacted]");
    expect(secrets.redact("token tok-en_SECRET leaked")).toBe("token [redacted] leaked");
  });

  it("masks basic auth as it travels: base64 of user:password, as the Authorization header carries it", () => {
    const secrets = new Secrets().addBasicAuth("kpi-bot", "pw-0123456789");
    const header = `Basic ${Buffer.from("kpi-bot:pw-0123456789").toString("base64")}`;
    expect(secrets.redact(`the server said: bad credentials ${header}`)).toBe("the server said: bad credentials Basic [redacted]");
    expect(secrets.redact(JSON.stringify({ echo: header }))).not.toContain(header.slice(6, 22));
  });

  it("masks the credentials of a URL's userinfo, in the URL and encoded", () => {
    const secrets = new Secrets().addUrl("http://kpi:s3cr%2Ft@127.0.0.1:9/stats");
    expect(secrets.redact("password s3cr/t")).toBe("password [redacted]");
    expect(secrets.redact(`Basic ${Buffer.from("kpi:s3cr/t").toString("base64")}`)).toBe("Basic [redacted]");
  });

  it.each([
    ["1001", 'bad password 1001, try again ("1001")', 'bad password [redacted], try again ("[redacted]")'],
    ["true", "password=true&remember=on", "password=[redacted]&remember=on"],
    ["null", "login null rejected", "login [redacted] rejected"],
    ['"', 'password " is wrong', "password [redacted] is wrong"],
    ['"', "password=%22&x=1", "password=[redacted]&x=1"],
    ["a", "user a; pw a", "user [redacted]; pw [redacted]"],
  ])("masks the short secret %j wherever it stands alone", (secret, text, expected) => {
    expect(new Secrets().add(secret).redact(text)).toBe(expected);
  });

  it.each([
    ["hook", "destinations[1].webhookUrl: not a URL"],
    ["1001", "read 10010 rows, v1001 and 1001x"],
    ["true", "trueish untrue construed"],
    ['"', 'form "form#login" not found'],
    ["a", "a1 ba _a_ ä"],
    ["ook", "webhookUrl"],
    ["x", "sources[1].headers.x-api-key: the secret is only 1 character long"],
    ["dry", "run --dry-run"],
  ])("never mangles words around the short secret %j", (secret, text) => {
    expect(new Secrets().add(secret).redact(text)).toBe(text);
  });

  it("masks a long secret even inside a word, where a cut-and-pasted token still leaks", () => {
    expect(new Secrets().add("sk_live_1234567890").redact("keysk_live_1234567890x")).toBe("key[redacted]x");
  });

  it("masks a quote cut from a longer text that begins inside a secret or ends inside one", () => {
    const secrets = new Secrets().add("tok_0123456789abcdef").addUrl("https://discord.com/api/webhooks/123/tok-en_SECRETSECRET");
    expect(secrets.redact("0123456789abcdef, and more")).toBe("[redacted], and more");
    expect(secrets.redact("the key is tok_01234567")).toBe("the key is [redacted]");
    expect(secrets.redact("3456789abc")).toBe("[redacted]");
    // Under 8 characters of it, or a webhook URL's origin and path, are left alone.
    expect(secrets.redact("cdef and tok_012")).toBe("cdef and tok_012");
    expect(secrets.redact("posted to https://discord.com/api/webhooks/123")).toBe("posted to https://discord.com/api/webhooks/123");
  });

  it("is idempotent: masking twice, or a secret that is a word of the mask, changes nothing more", () => {
    const secrets = new Secrets().add("redacted", "tok_abcdefgh");
    const once = secrets.redact("redacted tok_abcdefgh");
    expect(once).toBe("[redacted] [redacted]");
    expect(secrets.redact(once)).toBe(once);
  });

  it("lists the values added, so another registry can take them over", () => {
    const from = new Secrets().addBasicAuth("u", "pw-abcdef");
    const to = new Secrets().add(...from.list());
    expect(to.redact(`Basic ${Buffer.from("u:pw-abcdef").toString("base64")}`)).toBe("Basic [redacted]");
  });

  it("redacts every string of a structure, keys included, and leaves numbers and the structure alone", () => {
    const secrets = new Secrets().add("1001", "tok_abcdefgh");
    expect(secrets.redactValue({ a: ["x 1001", { tok_abcdefgh: "tok_abcdefgh" }], n: 1001, ok: true, none: null })).toEqual({
      a: ["x [redacted]", { "[redacted]": "[redacted]" }],
      n: 1001,
      ok: true,
      none: null,
    });
  });
});

describe("the logger", () => {
  it("redacts every log line, including nested fields", () => {
    const lines: LogRecord[] = [];
    const secrets = new Secrets().add("sk_live_123456");
    const logger = createLogger({ secrets, sink: (r) => lines.push(r) }).child({ job: "daily" });
    logger.error("failed with sk_live_123456", { detail: { header: "Bearer sk_live_123456" } });
    expect(JSON.stringify(lines)).not.toContain("sk_live_123456");
    expect(lines[0]).toMatchObject({ severity: "ERROR", job: "daily", message: "failed with [redacted]" });
  });

  it("writes no raw DEL, C1 or bidi control and no line separator, and the line parses to the same record", () => {
    const written: string[] = [];
    const logger = createLogger({ secrets: new Secrets(), sink: jsonLineSink((line) => written.push(line)) });
    const hostile = "page said \u009b2J\u001b]0;pwned\u0007 \u202eevil\u2028next\u007f";
    logger.warn(`source failed: ${hostile}`, { quoted: hostile });
    const [line] = written;
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2028\u2029](?!$)/);
    expect(line?.endsWith("\n")).toBe(true);
    expect(JSON.parse(line ?? "")).toEqual({ severity: "WARNING", message: `source failed: ${hostile}`, quoted: hostile });
  });

  it.each(["1001", "true", "null", '"', "a", "\\", "{", ":", "INFO", "message"])("writes valid JSON lines whatever the secret: %j", (secret) => {
    const written: string[] = [];
    const logger = createLogger({ secrets: new Secrets().add(secret), sink: jsonLineSink((line) => written.push(line)) });
    logger.info(`source failed: got ${secret} for ${JSON.stringify(secret)}`, {
      count: 1001,
      ok: true,
      none: null,
      empty: "",
      quoted: `"${secret}"`,
      nested: { [secret]: secret },
    });
    logger.warn("");
    expect(written).toHaveLength(2);
    const [first, second] = written.map((line) => JSON.parse(line) as LogRecord);
    expect(first).toMatchObject({ severity: "INFO", count: 1001, ok: true, none: null, empty: "" });
    expect(first?.message).toMatch(/^source failed: got \[redacted\] for \S*\[redacted\]\S*$/);
    expect(second).toEqual({ severity: "WARNING", message: "" });
  });
});
