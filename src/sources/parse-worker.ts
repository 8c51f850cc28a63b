import { parentPort } from "node:worker_threads";
import { readPage, type PageJob } from "./read-page.js";

/** What a parse worker answers each job with. */
export type WorkerAnswer = { ok: true; result: unknown } | { ok: false; message: string; stackOverflow: boolean };

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
});
