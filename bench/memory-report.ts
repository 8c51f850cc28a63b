/** What bench/memory-child.ts prints last, for memory.ts to find among the handler's log lines. */
export const REPORT_PREFIX = "MEMORY_REPORT ";

/** One process.memoryUsage() sample, in bytes, `ms` after the event was posted. */
export interface MemorySample {
  ms: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface MemoryReport {
  /** process.resourceUsage().maxRSS: the kernel's high-water mark over the whole process, in bytes. */
  maxRssBytes: number;
  /** The sample with the largest RSS (samples every 5 ms). */
  atPeak: MemorySample;
  /** The largest value each field reached, over all samples. */
  maxima: Omit<MemorySample, "ms">;
  /** RSS of bare Node, before the entry is imported. */
  startRssBytes: number;
  /** RSS with the entry loaded and its server listening: an idle instance, before its first event. */
  baselineRssBytes: number;
  /** The sample with the largest RSS in each second of the run. */
  timeline: MemorySample[];
  /** The status the framework answered the event with. */
  status: number;
  ms: number;
}
