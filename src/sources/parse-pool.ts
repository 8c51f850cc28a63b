import { Worker } from "node:worker_threads";
import type { WorkerAnswer } from "./parse-worker.js";
import { garbageCollector } from "./collect-garbage.js";
import { PARSE_WORKER_URL } from "./parse-worker-url.js";
import type { PageJob, PageResult } from "./read-page.js";

const MIB = 1024 * 1024;
/** A page this big takes a worker far longer to parse than the main thread takes to collect (a small one, as a dry run's, does not). */
const START_COLLECT_BYTES = 256 * 1024;

/**
 * A parse worker's V8 heap limit: room for the DOM of the largest page parsed by default
 * (DEFAULT_MAX_PARSE_BYTES; a dense 5 MiB page needs more than 128 MiB). terraform/function.tf
 * sizes the function's memory for two such workers next to the main thread.
 */
export const PARSE_HEAP_MIB = 160;

/** Parses pages off the main thread; `SourceContext.parser`. */
export interface PageParser {
  /** Parses `job.body` and runs `job.task` on it; rejects with the reason the page could not be read. */
  run(job: PageJob, signal?: AbortSignal): Promise<PageResult>;
}

export interface ParsePoolOptions {
  /** Pages parsed at once, one worker thread each. @default 1 */
  size?: number;
  /**
   * Workers parsing at once when every one of `size` has been busy on one page for `patienceMs`:
   * a page that takes its source's whole time limit (too deep, a catastrophic regex) then holds up
   * no other source. @default 2
   */
  maxSize?: number;
  /** @default 5000 */
  patienceMs?: number;
  /** Each worker's V8 old-generation limit, in MiB: a page whose DOM needs more fails. @default PARSE_HEAP_MIB */
  heapMib?: number;
  /**
   * A worker is replaced once it has parsed this many characters of pages: a fresh thread hands
   * back the heap a long-lived one keeps committed after big pages. @default 24 MiB
   */
  recycleBytes?: number;
  /**
   * After this many characters of pages handed to workers, the main thread collects its garbage,
   * what is left of the pages already read (their chunks, or their text when not sent as bytes). V8's default heap sizing would let it grow past 100 MiB,
   * and the function can't cap the main heap with --max-old-space-size: V8 applies that flag to
   * every thread, parse workers included, over their `resourceLimits`. @default 4 MiB
   */
  mainGcBytes?: number;
  /** An idle worker ends after this long, so an idle process holds no parse heap. @default 2000 */
  idleMs?: number;
  /** The worker's entry file. @default PARSE_WORKER_URL */
  workerUrl?: URL;
}

interface Job {
  job: PageJob;
  signal?: AbortSignal;
  resolve(result: PageResult): void;
  reject(error: Error): void;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  /** Characters of pages this worker has been given. */
  bytes: number;
  job?: Job;
  /** When `job` was given to it. */
  since: number;
  /** Recycled: ending, and taking no job. */
  retiring?: boolean;
  idleTimer?: NodeJS.Timeout;
}

/**
 * A small pool of parse workers, each a thread with its own heap limit. A page that is too big,
 * too deep or too slow (a catastrophic regex) ends its worker, never the process: out of memory
 * the worker dies alone, and the source's time limit (`signal`) terminates it mid-parse, which a
 * parse on the main thread, holding the event loop, could not be. The main heap then holds only
 * page text, collected every `mainGcBytes`, and needs no cap.
 */
export class ParsePool implements PageParser {
  private readonly size: number;
  private readonly maxSize: number;
  private readonly patienceMs: number;
  private patience?: NodeJS.Timeout;
  private readonly heapMib: number;
  private readonly recycleBytes: number;
  private readonly idleMs: number;
  private readonly mainGcBytes: number;
  /** Characters handed to workers since the main thread last collected. */
  private handed = 0;
  /** The main thread collected what start-up left, at the first big page. */
  private startCollected = false;
  private collectGarbage?: () => void;
  private readonly workerUrl: URL;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];

  constructor(options: ParsePoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 1);
    this.maxSize = Math.max(this.size, options.maxSize ?? 2);
    this.patienceMs = options.patienceMs ?? 5000;
    this.heapMib = options.heapMib ?? PARSE_HEAP_MIB;
    this.recycleBytes = options.recycleBytes ?? 24 * MIB;
    this.idleMs = options.idleMs ?? 2000;
    this.mainGcBytes = options.mainGcBytes ?? 4 * MIB;
    this.workerUrl = options.workerUrl ?? PARSE_WORKER_URL;
  }

  run(job: PageJob, signal?: AbortSignal): Promise<PageResult> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const queued: Job = { job, signal, resolve, reject };
      queued.onAbort = () => this.abort(queued);
      signal?.addEventListener("abort", queued.onAbort, { once: true });
      this.queue.push(queued);
      this.pump();
    });
  }

  /** Worker threads alive now, busy or idle. */
  get threads(): number {
    return this.slots.size;
  }

  /**
   * Starts a worker ahead of the first page, when a run will parse pages: the thread boots (about
   * 100 ms, much of a short run) on another core while the main thread loads and fetches. Unused,
   * it ends after `idleMs` like any idle worker.
   */
  warm(): void {
    if (this.slots.size === 0) this.idle(this.spawn());
  }

  /** Ends every worker and fails the jobs still waiting. */
  async close(): Promise<void> {
    clearTimeout(this.patience);
    for (const job of this.queue.splice(0)) this.settle(job, new Error("the parse pool was closed"));
    await Promise.all([...this.slots].map((slot) => this.retire(slot, new Error("the parse pool was closed"))));
  }

  private pump(): void {
    clearTimeout(this.patience);
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((s) => !s.job && !s.retiring) ?? (this.mayGrow() ? this.spawn() : undefined);
      if (!slot) {
        const due = Math.min(...[...this.slots].map((s) => s.since)) + this.patienceMs - Date.now();
        if (this.slots.size < this.maxSize) this.patience = setTimeout(() => this.pump(), Math.max(0, due) + 1).unref();
        return;
      }
      const job = this.queue.shift() as Job;
      clearTimeout(slot.idleTimer);
      slot.job = job;
      slot.since = Date.now();
      slot.bytes += job.job.body.length;
      this.handed += job.job.body.length;
      // Busy, the thread keeps the process alive; idle, it never does.
      slot.worker.ref();
      const body = job.job.body;
      // What start-up left on the main heap (modules' set-up, the config) is collected as the first big
      // page goes to a worker, before the pages of a long run pile onto it: a run's first second was its peak.
      if (!this.startCollected && body.length >= START_COLLECT_BYTES) {
        this.startCollected = true;
        (this.collectGarbage ??= garbageCollector())();
      }
      // Bytes are moved, not copied: the main thread keeps no copy of the page.
      slot.worker.postMessage(job.job, ownsBuffer(body) ? [body.buffer] : []);
    }
  }

  /** Below `size`, or below `maxSize` while every worker has been busy on one page for `patienceMs`. */
  private mayGrow(): boolean {
    if (this.slots.size < this.size) return true;
    const now = Date.now();
    return this.slots.size < this.maxSize && [...this.slots].every((s) => s.job && now - s.since >= this.patienceMs);
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMib, maxYoungGenerationSizeMb: 2 },
    });
    const slot: Slot = { worker, bytes: 0, since: Date.now() };
    worker.on("message", (answer: WorkerAnswer) => this.answer(slot, answer));
    worker.on("error", (error: Error & { code?: string }) => {
      const reason =
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `parsing the page needs more memory than a parse worker has (${this.heapMib} MiB); maxParseBytes can refuse such a page before it is parsed`
          : `the parse worker failed: ${error.message}`;
      void this.retire(slot, new Error(reason));
    });
    worker.on("exit", (code) => void this.retire(slot, new Error(`the parse worker stopped (exit code ${code})`)));
    this.slots.add(slot);
    return slot;
  }

  private answer(slot: Slot, answer: WorkerAnswer): void {
    // A late answer from a worker already given up on.
    if (!this.slots.has(slot)) return;
    const job = slot.job;
    slot.job = undefined;
    // Replaced once it has ended, so two workers' heaps never overlap for it.
    if (slot.bytes >= this.recycleBytes) void this.retire(slot, undefined, true);
    else this.idle(slot);
    if (this.handed >= this.mainGcBytes) {
      this.handed = 0;
      (this.collectGarbage ??= garbageCollector())();
    }
    if (job) {
      if (answer.ok) this.settle(job, undefined, answer.result as PageResult);
      else this.settle(job, new Error(answer.stackOverflow ? `the page is nested too deeply to read (${answer.message})` : answer.message));
    }
    this.pump();
  }

  /** Idle, a worker never keeps the process alive, and ends after `idleMs`. */
  private idle(slot: Slot): void {
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => void this.retire(slot), this.idleMs).unref();
  }

  /** A job given up on (the source's time limit): its worker is terminated mid-parse. */
  private abort(job: Job): void {
    const reason = abortReason(job.signal as AbortSignal);
    const waiting = this.queue.indexOf(job);
    if (waiting >= 0) {
      this.queue.splice(waiting, 1);
      this.settle(job, reason);
      return;
    }
    const slot = [...this.slots].find((s) => s.job === job);
    if (slot) void this.retire(slot, reason);
  }

  /**
   * Ends a worker; its job, if any, fails with `reason`. A worker given up on is replaced at once;
   * a recycled one (`afterExit`) only once it has ended, so two heaps never overlap for it.
   */
  private async retire(slot: Slot, reason?: Error, afterExit = false): Promise<void> {
    if (!this.slots.has(slot) || (afterExit && slot.retiring)) return;
    clearTimeout(slot.idleTimer);
    const job = slot.job;
    slot.job = undefined;
    if (job) this.settle(job, reason ?? new Error("the parse worker was stopped"));
    if (afterExit) {
      slot.retiring = true;
      await slot.worker.terminate();
    }
    if (this.slots.delete(slot)) this.pump();
    await slot.worker.terminate();
  }

  private settle(job: Job, error: Error | undefined, result?: PageResult): void {
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    if (error) job.reject(error);
    else job.resolve(result);
  }
}

/** Bytes that are the whole of their own ArrayBuffer, which moving to a worker takes from no one else. */
function ownsBuffer(body: string | Uint8Array): body is Uint8Array & { buffer: ArrayBuffer } {
  return typeof body !== "string" && body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("aborted");
}

let shared: ParsePool | undefined;

/** The process's pool, started on first use; its workers end when idle. */
export function sharedParsePool(): ParsePool {
  return (shared ??= new ParsePool());
}
