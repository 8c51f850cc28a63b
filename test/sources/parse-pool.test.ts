import { afterEach, describe, expect, it } from "@jest/globals";
import { createHtmlSource, htmlSourceSchema } from "../../src/sources/html.js";
import { ParsePool } from "../../src/sources/parse-pool.js";
import { Worker } from "node:worker_threads";
import { PARSE_WORKER_URL } from "../helpers/parse-worker-url.js";
import type { WorkerAnswer } from "../../src/sources/parse-worker.js";
import type { MetricsResult, PageJob } from "../../src/sources/read-page.js";
import { sendHtml, startServer, type TestServer } from "../helpers/server.js";
import { waitFor } from "../helpers/processes.js";
import { failureOf, sourceContext } from "./helpers.js";

let pool: ParsePool | undefined;
let server: TestServer | undefined;
afterEach(async () => {
  await pool?.close();
  await server?.close();
  pool = server = undefined;
});

/** A page of `bytes` dense with tiny elements: the most DOM per byte. */
const dense = (bytes: number) => `<html><body>${'<i class="r">1</i>'.repeat(Math.floor(bytes / 17))}<b id="n">42</b></body></html>`;
const metricsJob = (body: string, selector = "#n", regex?: string): PageJob => ({
  body,
  task: { kind: "metrics", metrics: { N: { selector, ...(regex ? { regex } : {}) } }, secrets: [], where: "here" },
});

describe("the parse pool", () => {
  it("reads a page in a worker", async () => {
    pool = new ParsePool({ size: 1 });
    expect(await pool.run(metricsJob(dense(10_000)))).toEqual({ counts: [], metrics: { N: { value: 42 } } });
  });

  it("reads a page sent as UTF-8 bytes, moved to the worker rather than copied", async () => {
    pool = new ParsePool({ size: 1 });
    const bytes = new TextEncoder().encode('<html><body><b id="größe">42</b></body></html>');
    const job: PageJob = { body: bytes, task: { kind: "metrics", metrics: { N: { selector: "#größe" } }, secrets: [], where: "here" } };
    expect(await pool.run(job)).toEqual({ counts: [], metrics: { N: { value: 42 } } });
    // Transferred: the main thread's view is detached.
    expect(bytes.byteLength).toBe(0);
  });

  it("a page whose DOM outgrows the worker's heap fails with the reason; the next page parses in a fresh worker", async () => {
    pool = new ParsePool({ size: 1, heapMib: 16 });
    await expect(pool.run(metricsJob(dense(4 * 1024 * 1024)))).rejects.toThrow(/parsing the page needs more memory than a parse worker has \(16 MiB\)/);
    expect(await pool.run(metricsJob(dense(1000)))).toEqual({ counts: [], metrics: { N: { value: 42 } } });
  });

  it("the time limit terminates a worker mid-regex, and a job waiting for a worker leaves the queue", async () => {
    pool = new ParsePool({ size: 1, maxSize: 1 });
    const controller = new AbortController();
    const stuck = pool.run(metricsJob(`<p id="t">${"a".repeat(50_000)}!</p>`, "#t", "(a+)+$"), controller.signal);
    const waiting = pool.run(metricsJob(dense(1000)), controller.signal);
    const next = pool.run(metricsJob(dense(1000)));
    setTimeout(() => controller.abort(new Error("timed out after 500 ms")), 500);
    await expect(stuck).rejects.toThrow("timed out after 500 ms");
    await expect(waiting).rejects.toThrow("timed out after 500 ms");
    expect(await next).toEqual({ counts: [], metrics: { N: { value: 42 } } });
  });

  it("a page that holds its worker past patienceMs lets the next page parse in a second worker", async () => {
    pool = new ParsePool({ size: 1, maxSize: 2, patienceMs: 200 });
    const controller = new AbortController();
    const stuck = pool.run(metricsJob(`<p id="t">${"a".repeat(50_000)}!</p>`, "#t", "(a+)+$"), controller.signal);
    // Without a second worker this would wait for the regex forever.
    expect(await pool.run(metricsJob(dense(1000)))).toEqual({ counts: [], metrics: { N: { value: 42 } } });
    controller.abort(new Error("given up"));
    await expect(stuck).rejects.toThrow("given up");
  });

  it("an invalid selector and a page too deep to select in are reasons, not crashes", async () => {
    pool = new ParsePool({ size: 1 });
    await expect(pool.run(metricsJob("<p>1</p>", "p["))).rejects.toThrow(/^invalid selector "p\["/);
    const deep = `${"<b>".repeat(30_000)}7`;
    const read = pool.run({ body: deep, task: { kind: "metrics", metrics: { N: { selector: "b" } }, secrets: [], where: "here" } });
    // htmlparser2 builds it; reading the text of the outermost <b> recurses 30,000 deep.
    await expect(read).rejects.toThrow(/^the page is nested too deeply to read \(Maximum call stack size exceeded\)$/);
  });

  it("warm() starts one worker ahead of the first page, which then parses it", async () => {
    pool = new ParsePool({ size: 1 });
    pool.warm();
    pool.warm();
    expect(pool.threads).toBe(1);
    expect(await pool.run(metricsJob(dense(1000)))).toEqual({ counts: [], metrics: { N: { value: 42 } } });
    expect(pool.threads).toBe(1);
  });

  it("a warmed worker no page comes for ends after idleMs", async () => {
    pool = new ParsePool({ size: 1, idleMs: 100 });
    pool.warm();
    expect(pool.threads).toBe(1);
    await waitFor(() => pool?.threads === 0, { timeoutMs: 10_000 });
    expect(await pool.run(metricsJob(dense(1000)))).toEqual({ counts: [], metrics: { N: { value: 42 } } });
  });

  it("recycles a worker after recycleBytes and keeps answering", async () => {
    pool = new ParsePool({ size: 1, recycleBytes: 5000 });
    for (let i = 0; i < 4; i++) expect(await pool.run(metricsJob(dense(4000)))).toEqual({ counts: [], metrics: { N: { value: 42 } } });
  });
});

describe("the parse worker", () => {
  it("answers jobs posted while it collects the last page's DOM, one at a time and in order", async () => {
    const worker = new Worker(PARSE_WORKER_URL);
    try {
      const answers: WorkerAnswer[] = [];
      const all = new Promise<void>((resolve, reject) => {
        worker.on("message", (answer: WorkerAnswer) => answers.push(answer) === 3 && resolve());
        worker.on("error", reject);
      });
      for (const n of [1, 2, 3]) worker.postMessage(metricsJob(`<b id="n">${n}</b>${dense(200_000)}`));
      await all;
      expect(answers.map((a) => (a.ok ? (a.result as MetricsResult).metrics.N : a.message))).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
    } finally {
      await worker.terminate();
    }
  });
});

describe("an html source on a page over the worker's limit", () => {
  it("fails alone, naming the limit and the URL", async () => {
    pool = new ParsePool({ size: 1, heapMib: 16 });
    const page = dense(4 * 1024 * 1024);
    server = await startServer((_req, res) => sendHtml(res, 200, page));
    const source = createHtmlSource(htmlSourceSchema.parse({ type: "html", name: "huge", url: `${server.url}/big`, metrics: { N: { selector: "#n" } } }));
    const message = await failureOf(source, { ...sourceContext(), parser: pool });
    expect(message).toBe(
      `[huge] parsing the page needs more memory than a parse worker has (16 MiB); maxParseBytes can refuse such a page before it is parsed (${server.url}/big)`,
    );
  });
});
