import { z } from "zod";

/** An absolute http(s) URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" });

/**
 * The largest page parsed: a parsed page takes about 18 times its size in memory, and the
 * 256 MB function caps its heap at 72 MB (terraform/function.tf; test/terraform/heap-cap.test.ts).
 */
export const DEFAULT_MAX_PARSE_BYTES = 1.5 * 1024 * 1024;

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
