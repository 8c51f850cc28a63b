import * as z from "zod";
import { isKnownLocale } from "../parse-number.js";
import { JOBS } from "../types.js";

/** Keys every destination accepts. Spread into each destination's schema. */
export const destinationBase = {
  /** Unique among destinations. @default the type */
  name: z.string().min(1).optional(),
  /** The jobs it subscribes to. @default every job */
  jobs: z.array(z.enum(JOBS)).min(1).optional(),
};

/** Keys every source accepts. */
export const sourceBase = {
  name: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, _ . or -"),
  /** @default 30000 */
  timeoutMs: z.number().int().positive().optional(),
  locale: z
    .string()
    .min(1)
    .refine(isKnownLocale, "not a locale; use a BCP 47 tag such as en, de or fr-CH")
    .optional()
    .describe('How the pages write numbers: decides whether "1,234" is 1234 (en) or 1.234 (de). @default "en"'),
};

/** A metric name as it appears in history and reports. */
export const metricName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "metric names use letters, digits and _ and start with a letter");

export const basicAuth = z.object({ username: z.string(), password: z.string() }).strict();

export const headers = z.record(z.string(), z.string());
