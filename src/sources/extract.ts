import { z } from "zod";

/** An absolute http(s) URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" });

/**
 * The largest page parsed: a parsed page takes about 18 to 25 times its size in memory, and a
 * parse worker's heap (PARSE_HEAP_MIB in parse-pool.ts) holds the DOM of a dense page this big
 * (test/terraform/heap-cap.test.ts).
 */
export const DEFAULT_MAX_PARSE_BYTES = 5 * 1024 * 1024;

/** Checks a regex option compiles; used by schemas so a bad pattern fails at load. */
export const regexPattern = z
  .string()
  .min(1)
  .refine((pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  }, "is not a valid regular expression");
