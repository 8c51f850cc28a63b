import { getHeapStatistics } from "node:v8";
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
collectGarbage();
const usedHeap = () => getHeapStatistics().used_heap_size;
/** The worker's own heap, code and cheerio: what a collection after a page comes back to. */
let ownBytes = usedHeap();
/** More than this over `ownBytes` after a collection is the last page's DOM, still reached. */
const LEFT_OVER_BYTES = 4 * 1024 * 1024;
const RETRY_MS = 10;
const RETRIES = 20;

const waiting: PageJob[] = [];
let collecting = false;

// The parse worker's entry (parse-pool.ts starts it): one job at a time, each answered once.
// A page that is too big or too deep ends in a thrown error, or in the pool terminating this thread.
parentPort?.on("message", (job: PageJob) => {
  waiting.push(job);
  if (!collecting) parseNext();
});

function parseNext(): void {
  const job = waiting.shift();
  if (!job) return;
  let answer: WorkerAnswer;
  try {
    answer = { ok: true, result: readPage(job) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    answer = { ok: false, message, stackOverflow: error instanceof RangeError && /call stack/i.test(message) };
  }
  parentPort?.postMessage(answer);
  collectAfterPage(RETRIES);
}

/**
 * Collects the last page's DOM, then parses the next page. One collection in 25 or so frees nothing:
 * for some tens of milliseconds something still reaches the DOM (V8's background compilation of
 * cheerio's functions, it seems). Parsed then, the next page's DOM would sit next to it, 20 MiB over
 * the usual peak of a 200-page run (bench/memory.ts). So the collection is retried a little later,
 * and the next page waits for it.
 */
function collectAfterPage(retries: number): void {
  collecting = true;
  collectGarbage();
  if (usedHeap() > ownBytes + LEFT_OVER_BYTES) {
    if (retries > 0) {
      setTimeout(() => collectAfterPage(retries - 1), RETRY_MS);
      return;
    }
    // Still there after every retry: the worker's own heap has grown (compiled code, say). That is
    // its level from now on, so no later page waits for what no collection frees.
    ownBytes = usedHeap();
  }
  collecting = false;
  parseNext();
}
