import * as z from "zod";
import type { Source } from "../../types.js";
import { httpUrl } from "../option-checks.js";
import { createComputedPreset } from "./computed.js";
import { presetMetricNames, presetSchema } from "./preset.js";

export const STRIPE_TYPE = "stripe";
export const STRIPE_METRICS = ["mrr", "active_subscriptions", "trialing", "new_subscriptions_30d", "canceled_30d"] as const;

export const stripeSourceSchema = presetSchema(
  STRIPE_TYPE,
  STRIPE_METRICS,
  {
    // Stripe's library takes a host, port and protocol, and calls /v1/ on it: a path would be dropped unseen.
    baseUrl: httpUrl
      .refine(
        (url) => new URL(url).pathname === "/" && !new URL(url).search,
        "takes a scheme, host and port only (Stripe's library always calls /v1/…); remove the path",
      )
      .optional()
      .describe("Stripe's API host, e.g. http://127.0.0.1:12111 for stripe-mock: scheme, host and port only. @default https://api.stripe.com"),
    apiKey: z.string().min(1).describe("A secret key, or better a restricted key with Subscriptions: Read and Coupons: Read."),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "is a three-letter currency code, e.g. usd")
      .transform((code) => code.toLowerCase())
      .default("usd")
      .describe(
        "The currency of the mrr metric; MRR in any other currency is its own metric, the mrr name then _EUR (never summed across currencies). @default usd",
      ),
    otherCurrencies: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z]{3}$/, "is a three-letter currency code, e.g. eur")
          .transform((code) => code.toLowerCase()),
      )
      .default([])
      .describe(
        "Currencies besides `currency` whose MRR metrics (the mrr name then _EUR, ...) are declared, so validate, northStar and derived metrics know them; each is 0 when no subscription uses it. @default []",
      ),
  },
  "Stripe MRR (active and past_due subscriptions, made monthly, after discounts), active and trialing subscription counts, and new and canceled subscriptions over 30 days, from every page of subscriptions.",
);

/** Stripe subscriptions: MRR and counts. */
export type StripeSourceOptions = z.infer<typeof stripeSourceSchema>;

export function createStripeSource(options: StripeSourceOptions): Source {
  const source = createComputedPreset(options, {
    keys: STRIPE_METRICS,
    secrets: [options.apiKey],
    // The computation and Stripe's library load when a stripe source runs, not when the config is read.
    collect: async (names, context) => (await import("./stripe-collect.js")).collectStripe(options, names, context),
  });
  const mrr = presetMetricNames(options, STRIPE_METRICS).mrr;
  const others = mrr ? options.otherCurrencies.filter((c) => c !== options.currency).map((c) => `${mrr}_${c.toUpperCase()}`) : [];
  return { ...source, metricNames: [...(source.metricNames ?? []), ...others] };
}
