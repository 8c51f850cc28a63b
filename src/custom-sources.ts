import type { Source } from "./types.js";

/**
 * Your own sources in TypeScript, for numbers no YAML source can read. They run in every
 * pipeline built from the config (the CLI and the deployed Cloud Function; not the demo),
 * next to the config's sources, with the same timeout, retries and failure handling.
 *
 * A source is any object with a `name` and an async `collect()` returning `{ METRIC: number }`.
 * `collect` receives `{ http, signal, logger, secrets }`; read credentials from the
 * environment here, and add them to `secrets` so they are redacted. For example:
 *
 * ```ts
 * export const customSources: Source[] = [
 *   {
 *     name: "billing",
 *     metricNames: ["MRR"],
 *     async collect({ http, signal, secrets }) {
 *       const key = process.env.BILLING_API_KEY ?? "";
 *       secrets.add(key);
 *       const res = await http.request({ url: "https://billing.example.com/mrr", headers: { authorization: `Bearer ${key}` }, signal });
 *       return { MRR: Number(JSON.parse(res.body).mrr) };
 *     },
 *   },
 * ];
 * ```
 */
export const customSources: Source[] = [];
