/**
 * MRR of Stripe subscriptions, exact: amounts are fractions of minor units (BigInt), rounded once,
 * per currency, at the end. Only the fields read are typed; the objects come off the wire.
 */

/** A coupon (the fields MRR reads). */
export interface StripeCoupon {
  id: string;
  percent_off?: number | null;
  amount_off?: number | null;
  currency?: string | null;
  currency_options?: Record<string, { amount_off?: number | null }> | null;
  duration?: string | null;
}

/** A discount, expanded; its coupon may still be an ID. */
export interface StripeDiscount {
  id: string;
  end?: number | null;
  source?: { coupon?: string | StripeCoupon | null } | null;
}

export interface StripePrice {
  id: string;
  unit_amount?: number | null;
  /** A decimal string on the wire; stripe-node turns it into a `Decimal` object. */
  unit_amount_decimal?: string | { toString(): string } | null;
  billing_scheme?: string | null;
  recurring?: { interval: string; interval_count?: number | null; usage_type?: string | null } | null;
}

export interface StripeItem {
  id: string;
  quantity?: number | null;
  price?: StripePrice | null;
  discounts?: (string | StripeDiscount)[] | null;
}

export interface StripeSubscription {
  id: string;
  status: string;
  currency: string;
  created: number;
  ended_at?: number | null;
  canceled_at?: number | null;
  items: { data: StripeItem[]; has_more?: boolean };
  discounts?: (string | StripeDiscount)[] | null;
}

/** A fraction of minor units. */
export class Amount {
  constructor(
    readonly num: bigint,
    readonly den: bigint = 1n,
  ) {}

  static ZERO = new Amount(0n);

  /** A decimal string (`1234.5678`) as an exact fraction. */
  static decimal(text: string): Amount {
    const match = /^(-?\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!match) throw new Error(`"${text}" is not a decimal amount`);
    const decimals = match[2] ?? "";
    return new Amount(BigInt(match[1]! + decimals), 10n ** BigInt(decimals.length)).reduce();
  }

  plus(other: Amount): Amount {
    return new Amount(this.num * other.den + other.num * this.den, this.den * other.den).reduce();
  }

  times(num: bigint, den = 1n): Amount {
    return new Amount(this.num * num, this.den * den).reduce();
  }

  atLeastZero(): Amount {
    return this.num < 0n ? Amount.ZERO : this;
  }

  /** Rounded half up to whole minor units. */
  round(): bigint {
    return (2n * this.num + this.den) / (2n * this.den);
  }

  private reduce(): Amount {
    let [a, b] = [this.num < 0n ? -this.num : this.num, this.den];
    while (b) [a, b] = [b, a % b];
    return a > 1n ? new Amount(this.num / a, this.den / a) : this;
  }
}

/** Months in one `interval`, as a fraction: a year is 12, a week 12/52, a day 12/365. */
const MONTHS_PER: Record<string, [bigint, bigint]> = { month: [1n, 1n], year: [12n, 1n], week: [12n, 52n], day: [12n, 365n] };

/** Turns one billing period's amount into a month's. */
function perMonth(amount: Amount, recurring: NonNullable<StripePrice["recurring"]>): Amount {
  const months = Object.hasOwn(MONTHS_PER, recurring.interval) ? MONTHS_PER[recurring.interval] : undefined;
  if (!months) throw new Error(`unknown billing interval "${recurring.interval}"`);
  const count = BigInt(recurring.interval_count ?? 1);
  return amount.times(months[1], months[0] * count);
}

/** Currencies whose minor unit is not a hundredth (Stripe's zero- and three-decimal currencies). */
const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]);
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

/** Whole minor units as a number of major units, via its decimal string so nothing drifts. */
export function toMajorUnits(minor: bigint, currency: string): number {
  const digits = ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2;
  if (digits === 0) return Number(minor);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  return Number(`${negative ? "-" : ""}${text.slice(0, -digits)}.${text.slice(-digits)}`);
}

/** Why an item has no place in MRR: it has no fixed amount. */
export type LeftOut = "metered" | "tiered";

export interface SubscriptionMrr {
  /** A month's amount in minor units of the subscription's currency. */
  monthly: Amount;
  leftOut: LeftOut[];
}

/** Finds a coupon when the discount holds only its ID. */
export type CouponOf = (discount: StripeDiscount) => StripeCoupon;

/**
 * Applies the discounts in force at `at` (Unix seconds) to one period's amount. A coupon that
 * lasts `once` applies to the first invoice only, so it does not lower the recurring revenue.
 */
function discounted(amount: Amount, discounts: StripeSubscription["discounts"], currency: string, at: number, couponOf: CouponOf): Amount {
  let result = amount;
  for (const discount of discounts ?? []) {
    if (typeof discount === "string") throw new Error(`discount ${discount} was not expanded`);
    if (discount.end != null && discount.end <= at) continue;
    const coupon = couponOf(discount);
    if (coupon.duration === "once") continue;
    if (coupon.percent_off != null) {
      // percent_off has at most two decimals: 12.5% off leaves 8750/10000.
      result = result.times(10_000n - BigInt(Math.round(coupon.percent_off * 100)), 10_000n);
    } else if (coupon.amount_off != null) {
      const off = coupon.currency === currency ? coupon.amount_off : coupon.currency_options?.[currency]?.amount_off;
      if (off == null) throw new Error(`coupon ${coupon.id} takes ${coupon.amount_off} ${coupon.currency ?? "?"} off a ${currency} subscription`);
      result = result.plus(new Amount(BigInt(-off))).atLeastZero();
    }
  }
  return result;
}

/** One period's amount of an item, or why it has none. */
function itemAmount(item: StripeItem): Amount | LeftOut {
  const price = item.price;
  if (!price?.recurring) throw new Error(`item ${item.id} has no recurring price`);
  if (price.recurring.usage_type === "metered") return "metered";
  if (price.billing_scheme === "tiered") return "tiered";
  const unit =
    price.unit_amount_decimal != null
      ? Amount.decimal(String(price.unit_amount_decimal))
      : price.unit_amount != null
        ? new Amount(BigInt(price.unit_amount))
        : undefined;
  if (!unit) throw new Error(`price ${price.id} has no unit amount`);
  return unit.times(BigInt(item.quantity ?? 1));
}

/**
 * A subscription's monthly amount: each item's price × quantity after the item's discounts, then
 * the subscription's discounts on the total (an amount off is per billing period), made monthly.
 */
export function subscriptionMrr(subscription: StripeSubscription, at: number, couponOf: CouponOf): SubscriptionMrr {
  if (subscription.items.has_more) throw new Error(`subscription ${subscription.id}: not every item was read`);
  const leftOut: LeftOut[] = [];
  let period = Amount.ZERO;
  let recurring: StripePrice["recurring"];
  for (const item of subscription.items.data) {
    const amount = itemAmount(item);
    if (typeof amount === "string") {
      leftOut.push(amount);
      continue;
    }
    // Stripe requires every item of a subscription to bill on the same interval.
    recurring ??= item.price?.recurring;
    period = period.plus(discounted(amount, item.discounts, subscription.currency, at, couponOf));
  }
  if (!recurring) return { monthly: Amount.ZERO, leftOut };
  return { monthly: perMonth(discounted(period, subscription.discounts, subscription.currency, at, couponOf), recurring), leftOut };
}
