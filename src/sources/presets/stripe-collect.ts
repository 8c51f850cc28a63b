import type Stripe from "stripe";
import { HTTP_RETRY, parseRetryAfter, withRetry, type AttemptFailure, type RetryPolicy } from "../../http/retry.js";
import type { Metrics, SourceContext } from "../../types.js";
import { periodEndingOn } from "./period.js";
import type { STRIPE_METRICS, StripeSourceOptions } from "./stripe.js";
import { stripeFailure } from "./stripe-errors.js";
import { Amount, subscriptionMrr, toMajorUnits, type LeftOut, type StripeCoupon, type StripeDiscount, type StripeSubscription } from "./stripe-mrr.js";

/** Each metric key's name, `undefined` when skipped. */
type Names = Record<(typeof STRIPE_METRICS)[number], string | undefined>;

/** Statuses that pay: MRR and the active count include them. */
const PAYING = new Set(["active", "past_due"]);
/** Subscriptions that never started (their first payment failed) are not new subscriptions. */
const NEVER_STARTED = new Set(["incomplete", "incomplete_expired"]);
/** Retries of a 429 that Stripe's library leaves alone (it retries only when Stripe-Should-Retry says so); its other retries are the library's. */
export const STRIPE_RETRY: RetryPolicy = { ...HTTP_RETRY, limit: 2, methods: [], statusCodes: [], unappliedStatusCodes: [429] };

/** The client, loaded when a stripe source runs: the library is large and most configs have none. */
async function stripeClient(options: StripeSourceOptions): Promise<Stripe> {
  const { default: StripeClient } = await import("stripe");
  const url = new URL(options.baseUrl ?? "https://api.stripe.com");
  const protocol = url.protocol === "http:" ? "http" : "https";
  return new StripeClient(options.apiKey, {
    host: url.hostname,
    port: url.port || (protocol === "http" ? 80 : 443),
    protocol,
    maxNetworkRetries: 2,
    timeout: options.timeoutMs ?? 30_000,
    telemetry: false,
    appInfo: { name: "kpi-collector" },
  });
}

/**
 * A Stripe call, with a 429 retried when Stripe does not forbid it. With `Stripe-Should-Retry: true`
 * the library has already retried, and `false` forbids it; without the header, a read is safe to retry.
 */
function withRateLimitRetry<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> {
  const classify = (error: unknown): AttemptFailure => {
    const e = error as { statusCode?: number; headers?: Record<string, string | undefined> };
    if (e.statusCode !== 429 || e.headers?.["stripe-should-retry"] !== undefined) return "final";
    return { status: 429, retryAfterMs: parseRetryAfter(e.headers?.["retry-after"]) };
  };
  return withRetry(STRIPE_RETRY, { idempotent: false, classify, signal }, call);
}

interface Tally {
  /** MRR by currency, in minor units. */
  mrr: Map<string, Amount>;
  active: number;
  trialing: number;
  created: number;
  canceled: number;
  leftOut: Record<LeftOut, number>;
}

/** A Stripe call with the 429 retries, its failure said in terms of what to fix. */
async function call<T>(endpoint: string, context: SourceContext, request: () => Promise<T>): Promise<T> {
  if (context.signal.aborted) throw new Error("stopped: the source's time limit passed");
  try {
    return await withRateLimitRetry(request, context.signal);
  } catch (error) {
    throw stripeFailure(error, endpoint);
  }
}

/** Every subscription of every status, a page of 100 at a time, discounts expanded. */
async function* subscriptionPages(stripe: Stripe, context: SourceContext): AsyncGenerator<StripeSubscription[]> {
  let startingAfter: string | undefined;
  for (;;) {
    const params: Stripe.SubscriptionListParams = {
      status: "all",
      limit: 100,
      expand: ["data.discounts", "data.items.data.discounts"],
      ...(startingAfter ? { starting_after: startingAfter } : {}),
    };
    const page = await call("/v1/subscriptions", context, () => stripe.subscriptions.list(params));
    const data = (page as { data?: unknown }).data;
    if (!Array.isArray(data)) throw new Error("the subscription list has no data array");
    yield data as StripeSubscription[];
    if (!page.has_more) return;
    startingAfter = (data[data.length - 1] as StripeSubscription | undefined)?.id;
    if (!startingAfter) throw new Error("the subscription list says it has more but its page is empty");
  }
}

/** The subscription with every item: its embedded list holds only the first ones when it has many. */
async function withAllItems(stripe: Stripe, context: SourceContext, subscription: StripeSubscription): Promise<StripeSubscription> {
  const data = [...subscription.items.data];
  let hasMore = subscription.items.has_more === true;
  while (hasMore) {
    const params: Stripe.SubscriptionItemListParams = {
      subscription: subscription.id,
      limit: 100,
      starting_after: data[data.length - 1]?.id,
      expand: ["data.discounts"],
    };
    const page = await call("/v1/subscription_items", context, () => stripe.subscriptionItems.list(params));
    data.push(...(page.data as unknown as StripeSubscription["items"]["data"]));
    hasMore = page.has_more && page.data.length > 0;
  }
  return { ...subscription, items: { data, has_more: false } };
}

function discountsOf(subscription: StripeSubscription): StripeDiscount[] {
  const all = [...(subscription.discounts ?? []), ...subscription.items.data.flatMap((item) => item.discounts ?? [])];
  return all.filter((d): d is StripeDiscount => typeof d !== "string");
}

async function fetchCoupons(stripe: Stripe, context: SourceContext, subscriptions: StripeSubscription[], coupons: Map<string, StripeCoupon>): Promise<void> {
  for (const discount of subscriptions.flatMap(discountsOf)) {
    const coupon = discount.source?.coupon;
    if (typeof coupon === "string" && !coupons.has(coupon)) {
      coupons.set(coupon, await call(`/v1/coupons/${coupon}`, context, () => stripe.coupons.retrieve(coupon)));
    }
  }
}

function addMrr(tally: Tally, subscription: StripeSubscription, at: number, coupons: Map<string, StripeCoupon>): void {
  const { monthly, leftOut } = subscriptionMrr(subscription, at, (discount) => {
    const coupon = discount.source?.coupon;
    const found = typeof coupon === "string" ? coupons.get(coupon) : coupon;
    if (!found) throw new Error(`discount ${discount.id} has no coupon`);
    return found;
  });
  for (const reason of leftOut) tally.leftOut[reason]++;
  tally.mrr.set(subscription.currency, (tally.mrr.get(subscription.currency) ?? Amount.ZERO).plus(monthly));
}

function metricsOf(names: Names, currency: string, declared: readonly string[], tally: Tally): Metrics {
  const metrics: Metrics = {};
  const set = (name: string | undefined, value: number) => {
    if (name) metrics[name] = value;
  };
  if (names.mrr) {
    set(names.mrr, toMajorUnits((tally.mrr.get(currency) ?? Amount.ZERO).round(), currency));
    for (const [other, amount] of tally.mrr) if (other !== currency) set(`${names.mrr}_${other.toUpperCase()}`, toMajorUnits(amount.round(), other));
    // A declared currency that no subscription uses has a real MRR of 0: every page was read.
    for (const other of declared) if (!tally.mrr.has(other)) set(`${names.mrr}_${other.toUpperCase()}`, 0);
  }
  set(names.active_subscriptions, tally.active);
  set(names.trialing, tally.trialing);
  set(names.new_subscriptions_30d, tally.created);
  set(names.canceled_30d, tally.canceled);
  return metrics;
}

/** Reads every subscription page by page and computes the metrics; imported when a stripe source runs. */
export async function collectStripe(options: StripeSourceOptions, names: Names, context: SourceContext): Promise<Metrics> {
  const stripe = await stripeClient(options);
  const period = periodEndingOn(context.date, 30, context.timezone);
  const [from, to] = [period.start.getTime() / 1000, period.end.getTime() / 1000];
  const coupons = new Map<string, StripeCoupon>();
  const tally: Tally = { mrr: new Map(), active: 0, trialing: 0, created: 0, canceled: 0, leftOut: { metered: 0, tiered: 0 } };
  for await (const page of subscriptionPages(stripe, context)) {
    const paying = page.filter((subscription) => PAYING.has(subscription.status));
    for (const subscription of page) {
      if (subscription.status === "trialing") tally.trialing++;
      if (subscription.created >= from && subscription.created < to && !NEVER_STARTED.has(subscription.status)) tally.created++;
      const ended = subscription.ended_at ?? subscription.canceled_at;
      if (subscription.status === "canceled" && ended != null && ended >= from && ended < to) tally.canceled++;
    }
    tally.active += paying.length;
    if (!names.mrr) continue;
    // One at a time: Stripe allows about 25 requests a second on an endpoint.
    for (const [i, subscription] of paying.entries()) if (subscription.items.has_more) paying[i] = await withAllItems(stripe, context, subscription);
    await fetchCoupons(stripe, context, paying, coupons);
    for (const subscription of paying) addMrr(tally, subscription, to, coupons);
  }
  const { metered, tiered } = tally.leftOut;
  if (metered + tiered > 0)
    context.logger.warn(`left out of MRR, having no fixed amount: ${metered} metered and ${tiered} tiered subscription items`, { metered, tiered });
  return metricsOf(
    names,
    options.currency,
    options.otherCurrencies.filter((c) => c !== options.currency),
    tally,
  );
}
