import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe-server.js";

/** The parts of a list answer the tests read. */
interface FakeList {
  data: { id: string; status: string; discounts: (string | Record<string, unknown>)[] }[];
  has_more: boolean;
}

/** The fake itself against the reference (stripe-subscriptions.md), for what the preset never sends. */
describe("the fake Stripe", () => {
  let fake: FakeStripe;
  const get = (path: string, authorization = "Bearer sk_test_123456789") => fetch(`${fake.url}${path}`, { headers: { authorization } });
  const body = async (path: string, authorization?: string) => (await get(path, authorization)).json() as Promise<FakeList & Record<string, unknown>>;

  beforeEach(async () => {
    fake = await startFakeStripe({
      keys: { sk_test_123456789: {} },
      coupons: [{ id: "C1", percent_off: 10 }],
      subscriptions: [
        { status: "active", created: 3, items: [{ price: { unit_amount: 100, interval: "month" } }], discounts: ["C1"] },
        { status: "canceled", created: 2, ended_at: 5, items: [{ price: { unit_amount: 100, interval: "month" } }] },
        { status: "trialing", created: 1, items: [{ price: { unit_amount: 100, interval: "month" } }] },
      ],
    });
  });
  afterEach(() => fake.close());

  it("lists newest first, 10 by default, everything but canceled unless status says otherwise", async () => {
    const list = await body("/v1/subscriptions");
    expect(list).toMatchObject({ object: "list", has_more: false, url: "/v1/subscriptions" });
    expect(list.data.map((s) => s.status)).toEqual(["active", "trialing"]);
    expect((await body("/v1/subscriptions?status=all")).data).toHaveLength(3);
    expect((await body("/v1/subscriptions?status=ended")).data.map((s) => s.status)).toEqual(["canceled"]);
  });

  it("pages with limit and starting_after, and rejects a limit over 100", async () => {
    const first = await body("/v1/subscriptions?status=all&limit=2");
    expect([first.data.length, first.has_more]).toEqual([2, true]);
    const next = await body(`/v1/subscriptions?status=all&limit=2&starting_after=${first.data[1]?.id}`);
    expect([next.data.length, next.has_more]).toEqual([1, false]);
    const tooMany = await get("/v1/subscriptions?limit=101");
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ error: { type: "invalid_request_error", param: "limit" } });
  });

  it("gives discounts as IDs unless expanded, with the coupon under source, and serves coupons", async () => {
    expect((await body("/v1/subscriptions")).data[0]?.discounts).toEqual(["di_1"]);
    const expanded = await body("/v1/subscriptions?expand[]=data.discounts");
    expect(expanded.data[0]?.discounts[0]).toMatchObject({ id: "di_1", object: "discount", source: { type: "coupon", coupon: "C1" } });
    expect((await get("/v1/subscriptions?expand[]=data.customer")).status).toBe(400);
    expect(await body("/v1/coupons/C1")).toMatchObject({ id: "C1", object: "coupon", percent_off: 10, duration: "forever" });
    expect((await get("/v1/coupons/NOPE")).status).toBe(404);
  });

  it("embeds the first items only, and lists the rest under /v1/subscription_items", async () => {
    const many = await startFakeStripe({
      keys: { k1: {} },
      embeddedItems: 2,
      subscriptions: [{ status: "active", created: 1, items: [1, 2, 3].map((n) => ({ price: { unit_amount: n, interval: "month" as const } })) }],
    });
    try {
      const list = (await (await fetch(`${many.url}/v1/subscriptions`, { headers: { authorization: "Bearer k1" } })).json()) as {
        data: { items: { data: unknown[]; has_more: boolean } }[];
      };
      expect([list.data[0]?.items.data.length, list.data[0]?.items.has_more]).toEqual([2, true]);
      const rest = (await (
        await fetch(`${many.url}/v1/subscription_items?subscription=sub_000001&starting_after=si_1_2`, { headers: { authorization: "Bearer k1" } })
      ).json()) as { data: { id: string }[]; has_more: boolean };
      expect([rest.data.map((item) => item.id), rest.has_more]).toEqual([["si_1_3"], false]);
    } finally {
      await many.close();
    }
  });

  it("takes the key as Bearer or as the Basic user name, and answers 401 otherwise", async () => {
    expect((await get("/v1/subscriptions", `Basic ${Buffer.from("sk_test_123456789:").toString("base64")}`)).status).toBe(200);
    const wrong = await get("/v1/subscriptions", "Bearer sk_test_wrong0000");
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****0000" } });
  });

  it("answers 429 with Stripe-Should-Retry when told to", async () => {
    fake.rateLimitNext(1, "false");
    const limited = await get("/v1/subscriptions");
    expect([limited.status, limited.headers.get("stripe-should-retry")]).toEqual([429, "false"]);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limit" } });
    expect((await get("/v1/subscriptions")).status).toBe(200);
  });
});
