import { z } from "zod";
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
  name: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, _ . or -"),
  /** @default 30000 */
  timeoutMs: z.number().int().positive().optional(),
};

/** A metric name as it appears in history and reports. */
export const metricName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "metric names use letters, digits and _ and start with a letter");

export const basicAuth = z.object({ username: z.string(), password: z.string() }).strict();

export const headers = z.record(z.string(), z.string());
