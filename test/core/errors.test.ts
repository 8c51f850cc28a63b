import { describe, expect, it } from "@jest/globals";
import { DestinationError, DiscordError, HttpError, KpiError, SourceError, isKpiError } from "../../src/errors.js";
import { Pipeline } from "../../src/pipeline.js";
import type { Source } from "../../src/types.js";

describe("isKpiError", () => {
  it("recognises every error class, by code when one is given", () => {
    const discord = new DiscordError("discord", "discord_rate_limited", "rate limited", { status: 429 });
    expect(isKpiError(discord)).toBe(true);
    expect(isKpiError(discord, "discord_rate_limited")).toBe(true);
    expect(isKpiError(discord, "discord_network")).toBe(false);
    expect(discord).toBeInstanceOf(DestinationError);
    expect(isKpiError(new Error("plain"))).toBe(false);
    expect(isKpiError({ code: "usage", message: "look-alike" }, "usage")).toBe(false);
  });

  it("carries an HTTP status in a field, not in the code", () => {
    const error = new HttpError("http_status", "Request failed with status code 503: GET http://x/", { status: 503 });
    expect(error.code).toBe("http_status");
    expect(error.status).toBe(503);
    expect(error).toBeInstanceOf(KpiError);
  });
});

describe("SourceError", () => {
  it("keeps the source and the reason apart", () => {
    const error = new SourceError("stars", "no element matches .count");
    expect(error.message).toBe("[stars] no element matches .count");
    expect(error.reason).toBe("no element matches .count");
    expect(error.source).toBe("stars");
  });

  it("is reported by its reason, whatever the reason says", async () => {
    // A reason that itself names a source in brackets is reported whole.
    const reason = "[stars] is what the page calls it, but it holds no number";
    const source: Source = { name: "stars", collect: async () => Promise.reject(new SourceError("stars", reason)) };
    const other: Source = { name: "forks", collect: async () => Promise.reject(new SourceError("upstream", "down")) };
    const result = await new Pipeline({ sources: [source, other], destinations: [] }).process("daily");
    const failures = Object.fromEntries(result.snapshot.failures.map((f) => [f.source, f.error]));
    // Another source's error keeps the name it carries.
    expect(failures).toEqual({ stars: reason, forks: "[upstream] down" });
  });
});
