import { errorMessage, SourceError } from "../../errors.js";
import { describeUrl } from "../../http/client.js";
import { snippet } from "../snippet.js";
import type { Metrics, Source, SourceContext } from "../../types.js";
import { presetMetricNames, withHint, type PresetOptions, type PresetSpec } from "./preset.js";

export interface ComputedPresetSpec<K extends string> {
  keys: readonly K[];
  /** Secret option values, added to the context's secrets before any request. */
  secrets?: (string | undefined)[];
  /** A hint added to an HTTP failure's message, e.g. which permission a 403 means is missing. */
  hint?: PresetSpec<K>["hint"];
  /**
   * Computes the metrics. `names` holds each key's metric name, `undefined` when `metrics:` skips it;
   * the result is keyed by metric name and may hold names beyond the keys' (a Stripe currency's MRR).
   */
  collect(names: Record<K, string | undefined>, context: SourceContext): Promise<Metrics>;
}

/**
 * A preset that computes its numbers (pages of subscriptions, a query) rather than reading fixed
 * paths. It names its metrics like every preset, and every failure names the source.
 */
export function createComputedPreset<K extends string>(options: PresetOptions, spec: ComputedPresetSpec<K>): Source {
  const names = presetMetricNames(options, spec.keys);
  return {
    name: options.name,
    timeoutMs: options.timeoutMs,
    metricNames: spec.keys.flatMap((key) => names[key] ?? []),
    async collect(context) {
      context.secrets.add(...(spec.secrets ?? []));
      try {
        return await spec.collect(names, context);
      } catch (error) {
        const hinted = withHint(options.name, error, spec.hint, context.secrets);
        throw hinted instanceof SourceError ? hinted : new SourceError(options.name, errorMessage(error), { cause: error });
      }
    },
  };
}

export interface QueryRequest {
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * POSTs a read-only query as JSON and parses the answer. It changes nothing, so unlike other POSTs
 * it is retried on 429 and 5xx like a GET.
 */
export async function postQuery(context: SourceContext, request: QueryRequest): Promise<unknown> {
  const response = await context.http.request({ ...request, method: "POST", signal: context.signal, retry: { methods: ["POST"] } });
  try {
    return JSON.parse(response.body);
  } catch (error) {
    throw new Error(`the response of ${describeUrl(response.url)} is not JSON (it starts with "${snippet(response.body, 40, context.secrets)}")`, {
      cause: error,
    });
  }
}

/** A count as an API sends it, a number or a string of digits; anything else is an error naming `what`. */
export function readCount(value: unknown, what: string): number {
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number < 0) {
    throw new Error(`${what} is ${JSON.stringify(value) ?? "missing"}, not a count`);
  }
  return number;
}

/** Every promise's value, or the first failure in list order, so a message never depends on which answered first. */
export async function allInOrder<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failure = settled.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}
