import { parentPort } from "node:worker_threads";
import { garbageCollector } from "./collect-garbage.js";
import { readPage, type PageJob } from "./read-page.js";

/** What a parse worker answers each job with. */
export type WorkerAnswer = { ok: true; result: unknown } | { ok: false; message: string; stackOverflow: boolean };

// A page's DOM is garbage once its numbers are read, and V8 would let a heap of such garbage grow
// toward the worker's limit before collecting it. Collected after each page instead, the worker's
// heap holds at most one DOM.
const collectGarbage = garbageCollector();

// A first page costs its worker the compilation of cheerio's parse and select paths. Done now, on a
// tiny page, it happens while the thread waits for its first job (a pool warms a worker before the
// run's pages arrive), not while a run waits for the answer.
readPage({ body: '<p class="n">1,234</p>', task: { kind: "metrics", metrics: { n: { selector: "p.n" } }, secrets: [], where: "a warm-up page" } });

// The parse worker's entry (parse-pool.ts starts it): one job at a time, each answered once.
// A page that is too big or too deep ends in a thrown error, or in the pool terminating this thread.
parentPort?.on("message", (job: PageJob) => {
  let answer: WorkerAnswer;
  try {
    answer = { ok: true, result: readPage(job) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    answer = { ok: false, message, stackOverflow: error instanceof RangeError && /call stack/i.test(message) };
  }
  parentPort?.postMessage(answer);
  collectGarbage();
});
