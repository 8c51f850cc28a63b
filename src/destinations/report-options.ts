import * as z from "zod";
import { destinationBase, metricName } from "../config/common.js";
import { reportDestinationName } from "../report/report-name.js";

const metricDisplay = z
  .object({
    /** @default the metric name */
    label: z.string().min(1).max(200).optional(),
    /** @default false */
    lowerIsBetter: z.boolean().optional(),
    /** @default "number" */
    format: z.enum(["number", "percent", "currency"]).optional(),
  })
  .strict();

/**
 * A webhook URL whose path matches `path`, on any host (tests point it at a local server).
 * The message never repeats the value: it is a secret. `jsonPattern` says the same to the JSON Schema.
 */
export function webhookUrlSchema(path: RegExp, message: string, jsonPattern: string) {
  return z
    .string()
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return (url.protocol === "https:" || url.protocol === "http:") && path.test(url.pathname);
        } catch {
          return false;
        }
      },
      { message },
    )
    .meta({ pattern: jsonPattern });
}

/** The keys every destination that posts the weekly report (discord, slack) accepts. Spread into its schema. */
export const reportDestinationFields = {
  ...destinationBase,
  /** Unique among destinations; also its mark in history's `Reported to`. @default the type */
  name: reportDestinationName,
  /** The jobs that post the weekly report. Alerts post on any job while `alertOnFailure` is on. @default ["weekly-report"] */
  jobs: destinationBase.jobs,
  /** Compare with the row this many days earlier (or the nearest earlier within 7 more days). @default 14 */
  compareDays: z.number().int().positive().max(366).optional(),
  /** Labels and formats, by metric name; listed metrics come first in the report. */
  metrics: z.record(metricName, metricDisplay).optional(),
  /** ISO 4217 code for `currency` metrics. @default "USD" */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "use a 3-letter currency code such as USD")
    .optional(),
  /** Post a short alert when sources fail, at most once per source a day. @default true */
  alertOnFailure: z.boolean().optional(),
  /** The name of the destination that holds history. @default the first notion or file destination */
  history: z.string().min(1).optional(),
};

/** What the report and alerts need of a report destination's options, whatever its type. */
export type ReportDestinationOptions = z.infer<z.ZodObject<typeof reportDestinationFields>>;
