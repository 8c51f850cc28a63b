import * as z from "zod";
import type { Source } from "../../types.js";
import { createPresetSource, presetSchema } from "./preset.js";

export const NPM_TYPE = "npm";
export const NPM_METRICS = ["downloads_day", "downloads_week", "downloads_month"] as const;

export const npmSourceSchema = presetSchema(
  NPM_TYPE,
  NPM_METRICS,
  {
    package: z
      .string()
      .regex(/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/i, "is not an npm package name")
      .describe("The package, e.g. express or @scope/name."),
  },
  "An npm package's downloads over the last day, week and month (npm's download counts API; one request each).",
);

/** An npm package's download counts. */
export type NpmSourceOptions = z.infer<typeof npmSourceSchema>;

export function createNpmSource(options: NpmSourceOptions): Source {
  // npm's API takes a scoped name as is: /downloads/point/last-week/@scope/name.
  const point = (baseUrl: string, period: string) => `${baseUrl}/downloads/point/${period}/${options.package}`;
  return createPresetSource(options, {
    keys: NPM_METRICS,
    defaultBaseUrl: "https://api.npmjs.org",
    requests: (baseUrl) => [
      { url: point(baseUrl, "last-day"), paths: { downloads_day: "downloads" } },
      { url: point(baseUrl, "last-week"), paths: { downloads_week: "downloads" } },
      { url: point(baseUrl, "last-month"), paths: { downloads_month: "downloads" } },
    ],
    hint: (status) => (status === 404 ? `package ${options.package} not found on npm` : undefined),
  });
}
