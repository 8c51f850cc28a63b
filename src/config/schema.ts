import * as z from "zod";
import { isValidTimeZone } from "../dates.js";
import { destinationSchema } from "../destinations/registry.js";
import { sourceSchema } from "../sources/registry.js";
import { metricName } from "./common.js";
import { derivedMapSchema, northStarAggregateSchema } from "../derived/schema.js";
import { editorJsonSchema } from "./json-schema.js";

export const configSchema = z
  .object({
    timezone: z
      .string()
      .default("UTC")
      .refine(isValidTimeZone, "not a time zone; use an IANA name such as UTC or Europe/Berlin")
      .describe("The time zone of the run date. @default UTC"),
    northStar: metricName.optional().describe("The metric reports lead with; a source's or a derived one."),
    northStarAggregate: northStarAggregateSchema
      .optional()
      .describe(
        "How the report's 7- and 28-day views of the north star combine its days: sum, avg, or last (the value on the window's last day). @default last",
      ),
    derived: derivedMapSchema.optional(),
    concurrency: z.number().int().min(1).max(64).default(8).describe("Sources in flight at once. @default 8"),
    sourceTimeoutMs: z.number().int().positive().default(30_000).describe("A source's time limit unless it sets timeoutMs. @default 30000"),
    maxResponseBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024)
      .describe("Responses larger than this fail. @default 10 MiB"),
    history: z.string().optional().describe("The name of the destination reports read history from. @default the first notion or file destination"),
    sources: z.array(sourceSchema).min(1).describe("Where the numbers come from."),
    destinations: z
      .array(destinationSchema)
      .min(1)
      .default([{ type: "console" }])
      .describe("Where the snapshot goes."),
  })
  .strict()
  .describe("kpi-collector configuration (kpi.config.yaml)");

export type ConfigData = z.infer<typeof configSchema>;

/** A JSON Schema of the config, for editors (`kpi-collector schema`). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "kpi-collector config",
    ...editorJsonSchema(configSchema),
  };
}
