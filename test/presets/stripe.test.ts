import { afterEach, describe, expect, it } from "@jest/globals";
import { collectSource } from "../../src/collect-source.js";
import { createSource, sourceSchema } from "../../src/sources/registry.js";
import { startFakeStripe, type FakeStripe, type FakeStripeOptions, type SubscriptionInput } from "../fakes/stripe-server.js";
import { failureOf, sourceContext } from "../sources/helpers.js";

const KEY = "sk_test_fakeSecretKey0123456789";
/** The run is 2024-05-15 UTC: the 30 days are 2024-04-16 (1713225600) to 2024-05-16 (1715817600), the end excluded. */
const OLD = 1_700_000_000;
const MAY_1 = 1_714_521_600;
const APRIL_1 = 1_711_929_600;
const MAY_10 = 1_715_299_200;
const MAY_6 = 1_715_000_000;

const monthly = (unit_amount: number, quantity = 1) => ({ price: { unit_amount, interval: "month" as const }, quantity });
const sub = (status: string, items: SubscriptionInput["items"], extra: Partial<SubscriptionInput> = {}): SubscriptionInput => ({
  status,
  created: OLD,
  items,
  ...extra,
});

/** Each line's monthly amount in cents, worked out by hand. */
const MIXED: SubscriptionInput[] = [
  sub("active", [monthly(2900)]), // 2900
  sub("active", [{ price: { unit_amount: 29900, interval: "year" }, quantity: 3 }]), // 89700 / 12 = 7475
  sub("active", [{ price: { unit_amount: 1000, interval: "week", interval_count: 2 } }]), // 1000 × 52 / 24 = 2166 2/3
  sub("past_due", [{ price: { unit_amount: 100, interval: "day" } }]), // 100 × 365 / 12 = 3041 2/3
  sub("active", [monthly(5000)], { discounts: ["QUARTER_OFF"] }), // 25% off: 3750
  sub("active", [monthly(5000, 2)], { discounts: ["FIFTEEN_USD"] }), // 10000 − 1500 = 8500
  sub("active", [{ price: { unit_amount: 9000, interval: "month", interval_count: 3 }, discounts: ["TEN_PERCENT"] }]), // 8100 / 3 = 2700
  sub("trialing", [monthly(9900)]), // not revenue yet
  sub("active", [monthly(1000), { price: { unit_amount: null, interval: "month", usage_type: "metered" } }]), // 1000, one metered item left out
  sub("active", [monthly(4900)], { currency: "eur" }), // EUR 4900
  sub("active", [{ price: { unit_amount: 10000, interval: "year" } }], { currency: "eur", discounts: ["EIGHTH_OFF"] }), // EUR 8750 / 12 = 729 1/6
  sub("canceled", [monthly(5000)], { ended_at: MAY_1 }), // canceled in the 30 days
  sub("canceled", [monthly(5000)], { ended_at: APRIL_1 }), // canceled before them
  sub("active", [monthly(1234)], { created: MAY_10, discounts: ["FIRST_HALF"] }), // new; a once coupon is not recurring: 1234
  sub("incomplete", [monthly(7000)], { created: MAY_10 }), // never started: not new, not revenue
  sub("active", [monthly(2000)], { discounts: [{ coupon: "QUARTER_OFF", end: MAY_6 }] }), // the discount has ended: 2000
  sub("active", [{ price: { unit_amount_decimal: "1234.5", interval: "month" }, quantity: 2 }]), // 2469
  sub("active", [monthly(1000)], { currency: "jpy" }), // JPY 1000, a zero-decimal currency
];
const COUPONS: FakeStripeOptions["coupons"] = [
  { id: "QUARTER_OFF", percent_off: 25 },
  { id: "FIFTEEN_USD", amount_off: 1500, currency: "usd" },
  { id: "TEN_PERCENT", percent_off: 10, duration: "repeating" },
  { id: "EIGHTH_OFF", percent_off: 12.5 },
  { id: "FIRST_HALF", percent_off: 50, duration: "once" },
];

let fake: FakeStripe | undefined;
afterEach(async () => fake?.close());

async function start(options: Partial<FakeStripeOptions>): Promise<FakeStripe> {
  fake = await startFakeStripe({ keys: { [KEY]: {} }, coupons: COUPONS, ...options });
  return fake;
}
const build = (baseUrl: string, options: Record<string, unknown> = {}) =>
  createSource(sourceSchema.parse({ type: "stripe", name: "stripe", apiKey: KEY, baseUrl, ...options }));
const paths = (f: FakeStripe) => f.requests.map((r) => decodeURIComponent(r.path));

describe("stripe", () => {
  it("declares the other currencies' MRR metrics it is told of; one no subscription uses is a real 0", async () => {
    const f = await start({ subscriptions: MIXED });
    const source = build(f.url, { otherCurrencies: ["EUR", "gbp"] });
    expect(source.metricNames).toEqual(expect.arrayContaining(["STRIPE_MRR", "STRIPE_MRR_EUR", "STRIPE_MRR_GBP"]));
    const metrics = await source.collect(sourceContext("2024-05-15"));
    expect(metrics).toMatchObject({ STRIPE_MRR: 372.36, STRIPE_MRR_EUR: 56.29, STRIPE_MRR_JPY: 1000, STRIPE_MRR_GBP: 0 });
  });

  it("sums MRR exactly over mixed intervals, quantities, discounts, statuses and currencies", async () => {
    const f = await start({ subscriptions: MIXED });
    const source = build(f.url);
    expect(source.metricNames).toEqual(["STRIPE_MRR", "STRIPE_ACTIVE_SUBSCRIPTIONS", "STRIPE_TRIALING", "STRIPE_NEW_SUBSCRIPTIONS_30D", "STRIPE_CANCELED_30D"]);
    const context = sourceContext("2024-05-15");
    // USD: 2900 + 7475 + 2166⅔ + 3041⅔ + 3750 + 8500 + 2700 + 1000 + 1234 + 2000 + 2469 = 37236⅓ cents.
    // EUR: 4900 + 729⅙ = 5629⅙ cents. JPY: 1000 yen.
    expect(await source.collect(context)).toEqual({
      STRIPE_MRR: 372.36,
      STRIPE_MRR_EUR: 56.29,
      STRIPE_MRR_JPY: 1000,
      STRIPE_ACTIVE_SUBSCRIPTIONS: 14,
      STRIPE_TRIALING: 1,
      STRIPE_NEW_SUBSCRIPTIONS_30D: 1,
      STRIPE_CANCELED_30D: 1,
    });
    expect(context.logs.find((l) => l.severity === "WARNING")?.message).toBe(
      "left out of MRR, having no fixed amount: 1 metered and 0 tiered subscription items",
    );
    expect(f.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(paths(f)[0]).toBe("/v1/subscriptions?status=all&limit=100&expand[0]=data.discounts&expand[1]=data.items.data.discounts");
  });

  it("makes the mrr metric of the configured currency, and names the others after it", async () => {
    const f = await start({ subscriptions: MIXED });
    const metrics = await build(f.url, { name: "billing", currency: "EUR", metrics: { mrr: "REVENUE", trialing: false } }).collect(sourceContext("2024-05-15"));
    expect(metrics).toMatchObject({ REVENUE: 56.29, REVENUE_USD: 372.36, REVENUE_JPY: 1000 });
    expect(Object.keys(metrics)).not.toContain("BILLING_TRIALING");
  });

  it("reads 250 subscriptions over 3 pages", async () => {
    const f = await start({ subscriptions: Array.from({ length: 250 }, () => sub("active", [monthly(100)])) });
    expect(await build(f.url).collect(sourceContext())).toMatchObject({ STRIPE_MRR: 250, STRIPE_ACTIVE_SUBSCRIPTIONS: 250 });
    const list = paths(f).filter((p) => p.startsWith("/v1/subscriptions"));
    expect(list).toHaveLength(3);
    expect(list[1]).toContain("starting_after=sub_000100");
    expect(list[2]).toContain("starting_after=sub_000200");
  });

  it("reads 10,000 subscriptions within the source's default limit, without rounding each one", async () => {
    const f = await start({ subscriptions: Array.from({ length: 10_000 }, () => sub("active", [{ price: { unit_amount: 1000, interval: "year" } }])) });
    const context = sourceContext();
    const metrics = await collectSource(build(f.url), { ...context, timeoutMs: 30_000 });
    // 10,000 × 1000 / 12 = 833,333⅓ cents; rounding each subscription first would give 830,000.
    expect(metrics).toMatchObject({ STRIPE_MRR: 8333.33, STRIPE_ACTIVE_SUBSCRIPTIONS: 10_000 });
    expect(f.requests).toHaveLength(100);
  }, 120_000);

  it("reads the items a subscription with many does not embed", async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ ...monthly(100 * (i + 1)), discounts: i === 11 ? ["QUARTER_OFF"] : [] }));
    const f = await start({ subscriptions: [sub("active", items)], embeddedItems: 10 });
    // 100 + 200 + … + 1100 = 6600, and 1200 with 25% off = 900.
    expect(await build(f.url).collect(sourceContext())).toMatchObject({ STRIPE_MRR: 75 });
    expect(paths(f)).toContain("/v1/subscription_items?subscription=sub_000001&limit=100&starting_after=si_1_10&expand[0]=data.discounts");
  });

  it("retries a 429 Stripe says to retry, or says nothing about", async () => {
    for (const shouldRetry of ["true", undefined] as const) {
      const f = await start({ subscriptions: [sub("active", [monthly(100)])] });
      f.rateLimitNext(1, shouldRetry);
      expect(await build(f.url).collect(sourceContext())).toMatchObject({ STRIPE_MRR: 1 });
      expect(f.requests).toHaveLength(2);
      await f.close();
    }
  });

  it("does not retry a 429 with Stripe-Should-Retry: false", async () => {
    const f = await start({ subscriptions: [sub("active", [monthly(100)])] });
    f.rateLimitNext(1, "false");
    const message = await failureOf(build(f.url), sourceContext(), [KEY]);
    expect(message).toMatch(
      /^\[stripe\] Stripe rate limited the request \(429, GET \/v1\/subscriptions, Stripe-Should-Retry: false\): Request rate limit exceeded/,
    );
    expect(f.requests).toHaveLength(1);
  });

  it("fails after its retries when the 429s go on", async () => {
    const f = await start({ subscriptions: [sub("active", [monthly(100)])] });
    f.rateLimitNext(10);
    expect(await failureOf(build(f.url), sourceContext(), [KEY])).toMatch(
      /^\[stripe\] Stripe rate limited the request \(429, GET \/v1\/subscriptions, after the retries\)/,
    );
    expect(f.requests).toHaveLength(3);
  });

  it("says the key is rejected, and which permission a key needs", async () => {
    const f = await start({ keys: {} });
    expect(await failureOf(build(f.url), sourceContext(), [KEY])).toBe(
      "[stripe] Stripe rejected the API key (401, GET /v1/subscriptions): Invalid API Key provided: sk_test_****6789. Use a secret key, or a restricted key with Subscriptions: Read",
    );
  });

  it.each([
    ["subscriptions", [], "Subscriptions: Read", "/v1/subscriptions", "rak_subscription_read"],
    ["coupons", ["rak_subscription_read"], "Coupons: Read", "/v1/coupons/QUARTER_OFF", "rak_coupon_read"],
  ])("names the permission a restricted key lacks to read %s", async (_, permissions, permission, endpoint, rak) => {
    const restricted = "rk_test_restrictedKey0123456789";
    const f = await startFakeStripe({
      keys: { [restricted]: { permissions } },
      coupons: COUPONS,
      subscriptions: [sub("active", [monthly(5000)], { discounts: ["QUARTER_OFF"] })],
    });
    fake = f;
    const message = await failureOf(build(f.url, { apiKey: restricted }), sourceContext(), [restricted]);
    expect(message).toContain(`[stripe] the API key lacks the ${permission} permission (403, GET ${endpoint}): `);
    expect(message).toContain(`Having the '${rak}' permission would allow this request to continue.`);
    expect(message).toContain(`Give the restricted key ${permission} in the Dashboard`);
  });

  it("refuses a baseUrl with a path, which Stripe's library would drop unseen", () => {
    const parsed = sourceSchema.safeParse({ type: "stripe", name: "stripe", apiKey: KEY, baseUrl: "https://proxy.example.com/stripe" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ["baseUrl"], message: expect.stringMatching(/scheme, host and port only.*remove the path/) }),
    ]);
    expect(sourceSchema.safeParse({ type: "stripe", name: "stripe", apiKey: KEY, baseUrl: "http://127.0.0.1:12111/" }).success).toBe(true);
  });

  it("registers the key as a secret", async () => {
    const f = await start({ subscriptions: [] });
    const context = sourceContext();
    expect(await build(f.url).collect(context)).toMatchObject({ STRIPE_MRR: 0, STRIPE_ACTIVE_SUBSCRIPTIONS: 0 });
    expect(context.secrets.list()).toContain(KEY);
  });
});

describe("stripe MRR amounts", () => {
  it("turns minor units into major units through decimals, for 0-, 2- and 3-decimal currencies", async () => {
    const { toMajorUnits, Amount } = await import("../../src/sources/presets/stripe-mrr.js");
    expect([toMajorUnits(123456n, "usd"), toMajorUnits(5n, "eur"), toMajorUnits(1000n, "jpy"), toMajorUnits(12345n, "kwd")]).toEqual([
      1234.56, 0.05, 1000, 12.345,
    ]);
    expect(Amount.decimal("0.5").times(3n).round()).toBe(2n);
    expect(new Amount(1n, 3n).plus(new Amount(1n, 3n)).plus(new Amount(1n, 3n)).round()).toBe(1n);
  });
});
