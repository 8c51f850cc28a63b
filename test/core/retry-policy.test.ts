import { describe, expect, it } from "@jest/globals";
import { HTTP_RETRY, retryWait, withRetry, type AttemptFailure, type RetryPolicy } from "../../src/http/retry.js";
import { WEBHOOK_RETRY as DISCORD_RETRY } from "../../src/destinations/webhook-retry.js";
import { NOTION_RETRY } from "../../src/destinations/notion/options.js";
import { STRIPE_RETRY } from "../../src/sources/presets/stripe-collect.js";

const fast: RetryPolicy = { ...HTTP_RETRY, backoffMs: 1, maxBackoffMs: 2 };

class Failed extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(JSON.stringify(failure));
  }
}

/** Runs `withRetry` over attempts that fail with `failures` in turn, counting the attempts. */
async function attempts(policy: RetryPolicy, idempotent: boolean, failures: AttemptFailure[]): Promise<{ count: number; outcome: string }> {
  let count = 0;
  const outcome = await withRetry(
    policy,
    { idempotent, classify: (error) => (error as Failed).failure, giveUp: (_e, n, reason) => new Error(`${reason} after ${n}`) },
    async () => {
      const failure = failures[count++];
      if (failure === undefined) return "ok";
      throw new Failed(failure);
    },
  ).catch((error: Error) => error.message);
  return { count, outcome };
}

describe("withRetry", () => {
  it("sends an idempotent request again after a timeout, up to the limit", async () => {
    expect(await attempts(fast, true, ["in_flight", "in_flight"])).toEqual({ count: 3, outcome: "ok" });
    expect(await attempts(fast, true, ["in_flight", "in_flight", "in_flight"])).toEqual({ count: 3, outcome: "limit after 3" });
  });

  it("never sends a non-idempotent request again once it may have been applied", async () => {
    expect(await attempts(fast, false, ["in_flight"])).toEqual({ count: 1, outcome: "final after 1" });
    expect(await attempts(fast, false, [{ status: 503 }])).toEqual({ count: 1, outcome: "final after 1" });
  });

  it("retries any request when nothing was applied: unsent, or an unapplied status", async () => {
    const policy = { ...fast, unappliedStatusCodes: [429] };
    expect(await attempts(policy, false, ["unsent", { status: 429 }])).toEqual({ count: 3, outcome: "ok" });
  });

  it("does not retry a status outside the policy, nor a final failure", async () => {
    expect(await attempts(fast, true, [{ status: 404 }])).toEqual({ count: 1, outcome: "final after 1" });
    expect(await attempts(fast, true, ["final"])).toEqual({ count: 1, outcome: "final after 1" });
  });

  it("fails at once on a Retry-After longer than allowed", async () => {
    const policy = { ...fast, maxRetryAfterMs: 1000 };
    expect(await attempts(policy, true, [{ status: 429, retryAfterMs: 1001 }])).toEqual({ count: 1, outcome: "retry_after after 1" });
  });
});

describe("retryWait", () => {
  it("waits what the server asked, else the backoff", () => {
    expect(retryWait(fast, { status: 503, retryAfterMs: 7 }, true, 1, Date.now())).toBe(7);
    expect(retryWait(fast, "in_flight", true, 1, Date.now())).toBeLessThanOrEqual(2);
  });

  it("gives up when the wait would end past the time budget", () => {
    const policy = { ...fast, maxRetryTimeMs: 10_000 };
    expect(retryWait(policy, { status: 503, retryAfterMs: 5000 }, true, 1, Date.now() - 6000)).toBe("budget");
    expect(retryWait(policy, { status: 503, retryAfterMs: 5000 }, true, 1, Date.now() - 1000)).toBe(5000);
  });
});

describe("each client's policy", () => {
  it("retries only what can't post twice for Discord, rate limits for any Notion request, 429 for Stripe", () => {
    const now = Date.now();
    expect(retryWait(DISCORD_RETRY, "in_flight", false, 1, now)).toBe("final");
    expect(typeof retryWait(DISCORD_RETRY, { status: 502 }, false, 1, now)).toBe("number");
    expect(typeof retryWait(NOTION_RETRY, { status: 529 }, false, 1, now)).toBe("number");
    expect(retryWait(NOTION_RETRY, { status: 502 }, false, 1, now)).toBe("final");
    expect(typeof retryWait(NOTION_RETRY, { status: 409 }, true, 1, now)).toBe("number");
    expect(retryWait(STRIPE_RETRY, { status: 500 }, false, 1, now)).toBe("final");
    expect(retryWait(STRIPE_RETRY, { status: 429 }, false, 3, now)).toBe("limit");
  });
});
