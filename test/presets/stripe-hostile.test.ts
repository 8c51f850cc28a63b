import { describe, expect, it } from "@jest/globals";
import { Amount, subscriptionMrr, toMajorUnits, type StripeSubscription } from "../../src/sources/presets/stripe-mrr.js";

const subscription = (unit_amount: number, interval: string, quantity: number): StripeSubscription => ({
  id: "sub_1",
  status: "active",
  currency: "usd",
  created: 0,
  items: { data: [{ id: "si_1", quantity, price: { id: "price_1", unit_amount, recurring: { interval } } }] },
});
const noCoupon = () => {
  throw new Error("no coupon expected");
};

describe("stripe MRR in exact minor units", () => {
  it("a yearly price of 1 cent × 3, four times, is exactly 1 cent a month", () => {
    let total = Amount.ZERO;
    for (let i = 0; i < 4; i++) total = total.plus(subscriptionMrr(subscription(1, "year", 3), 0, noCoupon).monthly);
    // 3/12 of a cent each: rounding each subscription would give 0, floats 0.009999….
    expect(total.round()).toBe(1n);
    expect(toMajorUnits(total.round(), "usd")).toBe(0.01);
  });

  it.each(["constructor", "toString", "__proto__"])("a billing interval %s is unknown, said plainly", (interval) => {
    expect(() => subscriptionMrr(subscription(100, interval, 1), 0, noCoupon)).toThrow(`unknown billing interval "${interval}"`);
  });
});
