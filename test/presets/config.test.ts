import { describe, expect, it } from "@jest/globals";
import { loadConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";

const ENV = { STRIPE_API_KEY: "sk_live_stripeSecret123", POSTHOG_PERSONAL_API_KEY: "phx_posthogSecret456", PLAUSIBLE_API_KEY: "plausibleSecret789" };
const config = (northStar: string) => `
northStar: ${northStar}
sources:
  - name: stripe
    type: stripe
    apiKey: \${STRIPE_API_KEY}
  - name: posthog
    type: posthog
    host: https://eu.posthog.com
    projectId: "12345"
    apiKey: \${POSTHOG_PERSONAL_API_KEY}
    activeUsers: { event: pipeline_run, minEvents: 3 }
  - { name: website, type: ga4, propertyId: "properties/123456789" }
  - name: plausible
    type: plausible
    siteId: example.com
    apiKey: \${PLAUSIBLE_API_KEY}
`;

describe("preset configs", () => {
  it("know their metric names, so a northStar of theirs validates, and hold their keys as secrets", () => {
    const loaded = loadConfig(config("POSTHOG_WAU"), ENV);
    expect(loaded.northStar).toBe("POSTHOG_WAU");
    for (const value of Object.values(ENV)) expect(loaded.secrets.list()).toContain(value);
    expect(() => loadConfig(config("STRIPE_MRR"), ENV)).not.toThrow();
    expect(() => loadConfig(config("WEBSITE_SESSIONS_7D"), ENV)).not.toThrow();
  });

  it("names a northStar no source has, with the preset metric it was likely meant to be", () => {
    expect(() => loadConfig(config("POSTHOG_DAUU"), ENV)).toThrow(ConfigError);
    expect(() => loadConfig(config("POSTHOG_DAUU"), ENV)).toThrow('"POSTHOG_DAUU" is not a metric of any source; did you mean "POSTHOG_DAU"?');
  });

  it.each([
    ["a GA4 property that is not a number", "{ name: w, type: ga4, propertyId: UA-1234 }", "sources[0].propertyId"],
    ["a PostHog project that is not a number", "{ name: p, type: posthog, projectId: abc, apiKey: k }", "sources[0].projectId"],
    ["a Stripe currency that is not a code", "{ name: s, type: stripe, apiKey: k, currency: euro }", "sources[0].currency"],
    ["minEvents of 0", "{ name: p, type: posthog, projectId: 1, apiKey: k, activeUsers: { minEvents: 0 } }", "sources[0].activeUsers.minEvents"],
  ])("rejects %s, naming the place", (_, source, path) => {
    expect(() => loadConfig(`sources:\n  - ${source}\n`, {})).toThrow(path);
  });
});
