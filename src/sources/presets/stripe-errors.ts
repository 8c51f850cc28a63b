/** The restricted-key permission each endpoint the preset calls needs, as the Dashboard names it. */
function permissionFor(endpoint: string): string {
  return endpoint.startsWith("/v1/coupons") ? "Coupons: Read" : "Subscriptions: Read";
}

/** What stripe-node's errors carry (`StripeError`); read defensively, since anything can be thrown. */
interface StripeErrorLike {
  type?: string;
  statusCode?: number;
  message?: string;
  headers?: Record<string, string | undefined>;
}

/**
 * A Stripe failure as a message that says what to fix. Stripe's own message is kept: it names a
 * missing permission (`Having the 'rak_subscription_read' permission would allow this request to
 * continue.`) and shows only a masked key (`sk_test_****1234`).
 */
export function stripeFailure(error: unknown, endpoint: string): Error {
  const e = (error && typeof error === "object" ? error : {}) as StripeErrorLike;
  const said = e.message ? `: ${e.message}` : "";
  const where = `GET ${endpoint}`;
  const permission = permissionFor(endpoint);
  let message: string;
  if (e.statusCode === 401) {
    message = `Stripe rejected the API key (401, ${where})${said}. Use a secret key, or a restricted key with ${permission}`;
  } else if (e.statusCode === 403) {
    message = `the API key lacks the ${permission} permission (403, ${where})${said}. Give the restricted key ${permission} in the Dashboard (Developers → API keys)`;
  } else if (e.statusCode === 429) {
    const retry = e.headers?.["stripe-should-retry"] === "false" ? "Stripe-Should-Retry: false" : "after the retries";
    message = `Stripe rate limited the request (429, ${where}, ${retry})${said}`;
  } else if (e.statusCode !== undefined) {
    message = `Stripe answered ${e.statusCode} (${where})${said}`;
  } else if (e.type === "StripeConnectionError") {
    message = `cannot reach Stripe (${where})${said}`;
  } else {
    return error instanceof Error ? error : new Error(String(error));
  }
  return new Error(message, { cause: error });
}
