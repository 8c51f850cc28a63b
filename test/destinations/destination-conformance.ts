import { afterEach, beforeEach, expect, it } from "@jest/globals";
import { buildPipeline, type Tuning } from "../../src/build.js";
import { configFromObject } from "../../src/config/define.js";
import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import type { RunResult } from "../../src/pipeline.js";
import { JOBS, type Job, type Source } from "../../src/types.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

/** One destination type under test, with its outside service started (a fake, a temp dir). */
export interface DestinationHarness {
  /** Its config entry, without `type`, `name` and `jobs`; `${VAR}`s are read from `env`. */
  entry: Record<string, unknown>;
  env?: Record<string, string>;
  /** Config destinations it needs beside it, e.g. a history store for a report destination. */
  alongside?: Record<string, unknown>[];
  /** The job on which it writes for a run whose sources all succeed. */
  job: Job;
  /** Everything it has delivered so far, as text: what a reader of its output sees. */
  delivered(): Promise<string>;
  /** Makes its writes fail from now on. */
  breakIt(): Promise<void>;
  tuning?: Tuning;
  /** Where the console destination prints. */
  write?: (text: string) => void;
  close(): Promise<void>;
}

const NAME = "under-test";
/** A credential the config holds, in a source's URL: it must reach no output. */
const API_KEY = "sk_conformance_f00dcafe";
/** A source whose error quotes the credential, as a careless API's answer does. */
const leaky: Source = {
  name: "leaky",
  collect: async () => {
    throw new Error(`the API refused key ${API_KEY}`);
  },
};

/**
 * The contract every destination keeps (src/types.ts `Destination`), each built from a config
 * entry through the registry and run by a real Pipeline: it writes the run's numbers, fails on
 * its own (named, the run goes on), writes only on its jobs, and never shows a secret.
 * `describe.each(DESTINATION_TYPES)(…, (type) => testDestination(type, () => CASES[type]()))`.
 */
export function testDestination(type: string, open: () => Promise<DestinationHarness>): void {
  let harness: DestinationHarness;
  let site: TestServer;
  let logs: LogRecord[];
  beforeEach(async () => {
    harness = await open();
    logs = [];
    site = await startServer((req, res) => (req.url === "/stats" ? sendJson(res, 200, { users: 4242 }) : sendJson(res, 500, { error: `failed ${req.url}` })));
  });
  afterEach(async () => {
    await site.close();
    await harness.close();
  });

  async function run(job: Job, options: { jobs?: Job[]; failingSource?: boolean } = {}): Promise<RunResult> {
    const sources: Record<string, unknown>[] = [{ type: "json", name: "stats", url: `${site.url}/stats`, metrics: { USERS: { path: "users" } } }];
    if (options.failingSource) sources.push({ type: "json", name: "billing", url: `${site.url}/billing?key=\${API_KEY}`, metrics: { MRR: { path: "mrr" } } });
    const destination = { type, name: NAME, ...harness.entry, ...(options.jobs ? { jobs: options.jobs } : {}) };
    const config = configFromObject({ sources, destinations: [...(harness.alongside ?? []), destination] } as Parameters<typeof configFromObject>[0], {
      ...harness.env,
      API_KEY,
    });
    const secrets = new Secrets();
    const logger = createLogger({ secrets, sink: (record) => logs.push(record), minSeverity: "DEBUG" });
    const pipeline = await buildPipeline(config, {
      logger,
      secrets,
      write: harness.write ?? (() => undefined),
      customSources: options.failingSource ? [leaky] : [],
      tuning: { http: { backoffMs: 1, maxBackoffMs: 5 }, ...harness.tuning },
    });
    return pipeline.process(job, { date: "2024-05-06" });
  }
  const resultOf = (result: RunResult) => result.destinations.find((d) => d.destination === NAME);

  it("writes the run's numbers", async () => {
    const result = await run(harness.job);
    expect(resultOf(result)).toMatchObject({ ok: true });
    expect(await harness.delivered()).toMatch(/4,?242/);
  });

  it("fails on its own: the result names it with a reason, the other destinations still write", async () => {
    await harness.breakIt();
    const result = await run(harness.job);
    expect(result.ok).toBe(false);
    expect(resultOf(result)).toMatchObject({ ok: false, error: expect.stringMatching(/\S/) });
    expect(result.destinations.filter((d) => d.destination !== NAME).every((d) => d.ok)).toBe(true);
    expect(logs.some((l) => l.severity === "ERROR" && l.destination === NAME)).toBe(true);
  });

  it("writes only on the jobs it subscribes to", async () => {
    const other = JOBS.find((j) => j !== harness.job) as Job;
    const before = await harness.delivered();
    await run(other, { jobs: [harness.job] });
    expect(await harness.delivered()).toBe(before);
    await run(harness.job, { jobs: [harness.job] });
    expect(await harness.delivered()).toMatch(/4,?242/);
  });

  it("never shows a secret: not in what it delivers, its errors or its log lines", async () => {
    const secrets = [API_KEY, ...Object.values(harness.env ?? {}).flatMap((v) => [v, ...secretParts(v)])];
    const ok = await run(harness.job, { failingSource: true });
    expect(ok.snapshot.failures.map((f) => f.source)).toEqual(["billing", "leaky"]);
    await harness.breakIt();
    const failed = await run(harness.job, { failingSource: true });
    const seen = [await harness.delivered(), JSON.stringify([ok, failed]), JSON.stringify(logs)].join("\n");
    for (const secret of secrets) expect({ secret, shown: seen.includes(secret) }).toEqual({ secret, shown: false });
  });
}

/** The token part of a secret URL, which leaks on its own too. */
function secretParts(value: string): string[] {
  try {
    const last = new URL(value).pathname.split("/").filter(Boolean).pop();
    return last && last.length >= 8 ? [last] : [];
  } catch {
    return [];
  }
}
