import type { ServerResponse } from "node:http";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

/** A discount to attach: a coupon ID, or one with an end (Unix seconds). */
export type DiscountInput = string | { coupon: string; end: number | null };

export interface PriceInput {
  unit_amount?: number | null;
  unit_amount_decimal?: string;
  interval: "day" | "week" | "month" | "year";
  interval_count?: number;
  usage_type?: "licensed" | "metered";
  billing_scheme?: "per_unit" | "tiered";
}

export interface SubscriptionInput {
  id?: string;
  status: string;
  /** @default usd */
  currency?: string;
  created: number;
  ended_at?: number | null;
  canceled_at?: number | null;
  items: { price: PriceInput; quantity?: number; discounts?: DiscountInput[] }[];
  discounts?: DiscountInput[];
}

export interface CouponInput {
  id: string;
  percent_off?: number;
  amount_off?: number;
  currency?: string;
  duration?: "forever" | "once" | "repeating";
}

export interface FakeStripeOptions {
  /** Each API key; a restricted key lists its permissions (`rak_subscription_read`, `rak_coupon_read`), a secret key has all. */
  keys: Record<string, { permissions?: string[] }>;
  subscriptions?: SubscriptionInput[];
  coupons?: CouponInput[];
  /** Items a subscription embeds before `items.has_more`; the rest are read from `/v1/subscription_items`. @default 10 */
  embeddedItems?: number;
}

export interface FakeStripe {
  host: string;
  port: number;
  url: string;
  requests: TestServer["requests"];
  /** Answer the next `times` requests with 429; `shouldRetry` sets the Stripe-Should-Retry header. */
  rateLimitNext(times?: number, shouldRetry?: "true" | "false"): void;
  close(): Promise<void>;
}

const STATUSES = ["active", "past_due", "trialing", "canceled", "unpaid", "incomplete", "incomplete_expired", "paused"];
const EXPANDABLE = new Set(["data.discounts", "data.items.data.discounts"]);

type Json = Record<string, unknown>;

/**
 * Stripe's `GET /v1/subscriptions` and `GET /v1/coupons/:id` on 127.0.0.1, from
 * stripe-subscriptions.md: key auth and restricted-key permissions, list pagination (`limit`
 * 1–100, `starting_after`, newest first), the `status` filter and its default, `expand[]` of
 * discounts, the error envelope, and 429 with `Stripe-Should-Retry`.
 */
export async function startFakeStripe(options: FakeStripeOptions): Promise<FakeStripe> {
  const { subscriptions, discounts } = build(options.subscriptions ?? []);
  const coupons = new Map(
    (options.coupons ?? []).map((c) => [
      c.id,
      { object: "coupon", valid: true, duration: "forever", percent_off: null, amount_off: null, currency: null, ...c },
    ]),
  );
  const limited: (string | undefined)[] = [];

  const server = await startServer((req, res) => {
    res.setHeader("request-id", `req_${server.requests.length}`);
    const url = new URL(req.url ?? "/", "http://x");
    const key = apiKey(req.headers.authorization);
    if (!key)
      return error(
        res,
        401,
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    const grant = options.keys[key];
    if (!grant) return error(res, 401, `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`);
    if (limited.length) {
      const shouldRetry = limited.shift();
      return error(
        res,
        429,
        "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
        { code: "rate_limit" },
        shouldRetry ? { "stripe-should-retry": shouldRetry } : {},
      );
    }
    const need = (permission: string) => {
      if (!grant.permissions || grant.permissions.includes(permission)) return true;
      error(
        res,
        403,
        `The provided key '${key.slice(0, 8)}****${key.slice(-4)}' does not have the required permissions for this endpoint on account 'acct_fake'. Having the '${permission}' permission would allow this request to continue.`,
      );
      return false;
    };
    if (req.method !== "GET") return error(res, 404, `Unrecognized request URL (${req.method}: ${url.pathname}).`);
    const coupon = /^\/v1\/coupons\/([^/]+)$/.exec(url.pathname);
    if (coupon) {
      if (!need("rak_coupon_read")) return;
      const found = coupons.get(decodeURIComponent(coupon[1] ?? ""));
      return found ? sendJson(res, 200, found) : error(res, 404, `No such coupon: '${coupon[1]}'`, { code: "resource_missing", param: "id" });
    }
    if (url.pathname === "/v1/subscription_items") {
      if (!need("rak_subscription_read")) return;
      const owner = subscriptions.find((s) => s.id === url.searchParams.get("subscription"));
      if (!owner) return error(res, 400, "Missing required param: subscription.", { param: "subscription" });
      const items = (owner.items as { data: Json[] }).data;
      const itemLimit = Number(url.searchParams.get("limit") ?? 10);
      const afterItem = url.searchParams.get("starting_after");
      const from = afterItem ? items.findIndex((item) => item.id === afterItem) + 1 : 0;
      const expandItems = [...url.searchParams.entries()].some(([k, v]) => /^expand\[\d*\]$/.test(k) && v === "data.discounts");
      const data = items
        .slice(from, from + itemLimit)
        .map((item) => (expandItems ? { ...item, discounts: (item.discounts as string[]).map((id) => discounts.get(id) ?? id) } : item));
      return sendJson(res, 200, { object: "list", data, has_more: from + itemLimit < items.length, url: "/v1/subscription_items" });
    }
    if (url.pathname !== "/v1/subscriptions") return error(res, 404, `Unrecognized request URL (GET: ${url.pathname}).`);
    if (!need("rak_subscription_read")) return;
    const limit = Number(url.searchParams.get("limit") ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return error(res, 400, "This value must be less than or equal to 100.", { param: "limit" });
    const status = url.searchParams.get("status");
    if (status && status !== "all" && status !== "ended" && !STATUSES.includes(status))
      return error(res, 400, `Invalid status: must be one of ${STATUSES.join(", ")}, ended, or all`, { param: "status" });
    const expand = [...url.searchParams.entries()].filter(([k]) => /^expand\[\d*\]$/.test(k)).map(([, v]) => v);
    const bad = expand.find((path) => !EXPANDABLE.has(path));
    if (bad) return error(res, 400, `This property cannot be expanded (${bad}).`, { param: "expand" });
    const matching = subscriptions.filter((s) =>
      status === "all"
        ? true
        : status === "ended"
          ? s.status === "canceled" || s.status === "incomplete_expired"
          : status
            ? s.status === status
            : s.status !== "canceled",
    );
    let start = 0;
    const after = url.searchParams.get("starting_after");
    if (after) {
      const index = matching.findIndex((s) => s.id === after);
      if (index < 0) return error(res, 400, `No such subscription: '${after}'`, { code: "resource_missing", param: "starting_after" });
      start = index + 1;
    }
    const page = matching.slice(start, start + limit).map((s) => withExpansions(s, expand, discounts, options.embeddedItems ?? 10));
    sendJson(res, 200, { object: "list", data: page, has_more: start + limit < matching.length, url: "/v1/subscriptions" });
  });
  return {
    host: "127.0.0.1",
    port: server.port,
    url: server.url,
    requests: server.requests,
    rateLimitNext: (times = 1, shouldRetry) => void limited.push(...Array.from({ length: times }, () => shouldRetry)),
    close: () => server.close(),
  };
}

/** Bearer, or Basic with the key as user name, as Stripe accepts. */
function apiKey(authorization: string | undefined): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
  if (bearer) return bearer;
  const basic = /^Basic (.+)$/.exec(authorization ?? "")?.[1];
  return basic ? Buffer.from(basic, "base64").toString().split(":")[0] : undefined;
}

function error(res: ServerResponse, status: number, message: string, extra: Json = {}, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { type: "invalid_request_error", message, ...extra } }, headers);
}

/** Full Stripe objects from the inputs, newest first as Stripe lists them; discounts stored apart, listed by ID. */
function build(inputs: SubscriptionInput[]): { subscriptions: Json[]; discounts: Map<string, Json> } {
  const discounts = new Map<string, Json>();
  let n = 0;
  const discount = (input: DiscountInput, subscription: string, item: string | null): string => {
    const { coupon, end } = typeof input === "string" ? { coupon: input, end: null } : input;
    const id = `di_${++n}`;
    discounts.set(id, { id, object: "discount", source: { type: "coupon", coupon }, end, start: 0, subscription, subscription_item: item, customer: "cus_1" });
    return id;
  };
  const subscriptions = inputs.map((input, i) => {
    const id = input.id ?? `sub_${String(i + 1).padStart(6, "0")}`;
    const currency = input.currency ?? "usd";
    const items = input.items.map((item, j) => {
      const itemId = `si_${i + 1}_${j + 1}`;
      const p = item.price;
      const perUnit = (p.billing_scheme ?? "per_unit") === "per_unit";
      const unitAmount = perUnit ? (p.unit_amount ?? null) : null;
      return {
        id: itemId,
        object: "subscription_item",
        quantity: item.quantity ?? 1,
        discounts: (item.discounts ?? []).map((d) => discount(d, id, itemId)),
        current_period_start: input.created,
        current_period_end: input.created + 2_592_000,
        price: {
          id: `price_${i + 1}_${j + 1}`,
          object: "price",
          currency,
          billing_scheme: p.billing_scheme ?? "per_unit",
          unit_amount: unitAmount,
          unit_amount_decimal: perUnit ? (p.unit_amount_decimal ?? (unitAmount === null ? null : String(unitAmount))) : null,
          recurring: {
            interval: p.interval,
            interval_count: p.interval_count ?? 1,
            usage_type: p.usage_type ?? "licensed",
            meter: null,
            trial_period_days: null,
          },
          type: "recurring",
        },
      };
    });
    return {
      id,
      object: "subscription",
      customer: `cus_${i + 1}`,
      status: input.status,
      currency,
      created: input.created,
      start_date: input.created,
      ended_at: input.ended_at ?? null,
      canceled_at: input.canceled_at ?? input.ended_at ?? null,
      cancel_at_period_end: false,
      trial_start: null,
      trial_end: null,
      discounts: (input.discounts ?? []).map((d) => discount(d, id, null)),
      items: { object: "list", data: items, has_more: false, total_count: items.length, url: `/v1/subscription_items?subscription=${id}` },
    };
  });
  subscriptions.sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1));
  return { subscriptions, discounts };
}

function withExpansions(subscription: Json, expand: string[], discounts: Map<string, Json>, embeddedItems: number): Json {
  const expandIds = (ids: unknown) => (ids as string[]).map((id) => discounts.get(id) ?? id);
  const items = subscription.items as { data: Json[] };
  const data = items.data
    .slice(0, embeddedItems)
    .map((item) => ({ ...item, discounts: expand.includes("data.items.data.discounts") ? expandIds(item.discounts) : item.discounts }));
  return {
    ...subscription,
    discounts: expand.includes("data.discounts") ? expandIds(subscription.discounts) : subscription.discounts,
    items: { ...items, data, has_more: items.data.length > embeddedItems },
  };
}
