import * as z from "zod";
import { metricName } from "../config/common.js";

/** One derived metric as the config declares it (see `DerivedDefinition`). */
export const derivedSchema = z
  .object({
    expr: z
      .string()
      .min(1)
      .describe("The formula: + - * /, parentheses, numbers, metric names, sum/avg/min/max(M, N), ago/change/pct_change(M, N), round(x, digits)."),
    label: z.string().min(1).optional().describe("The name reports show. @default the metric name"),
    format: z.enum(["number", "percent", "currency"]).optional().describe("How reports write it. @default number"),
    lowerIsBetter: z.boolean().optional().describe("A fall is good news. @default false"),
    minCoverage: z
      .number()
      .gt(0, "must be more than 0")
      .max(1, "must be at most 1 (a fraction of the window's days)")
      .optional()
      .describe("The fraction of a window's days that must have a value. @default 1"),
  })
  .strict();

/** The config's `derived:` map, by metric name. */
export const derivedMapSchema = z.record(metricName, derivedSchema).describe("Metrics computed from other metrics and their history.");

/** How the north star's 7- and 28-day views aggregate its days. */
export const northStarAggregateSchema = z.enum(["sum", "avg", "last"]);
