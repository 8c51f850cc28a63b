import * as z from "zod";
import type { Source } from "../../types.js";
import { createPresetSource, presetSchema } from "./preset.js";

export const PYPI_TYPE = "pypi";
export const PYPI_METRICS = ["downloads_day", "downloads_week", "downloads_month"] as const;

export const pypiSourceSchema = presetSchema(
  PYPI_TYPE,
  PYPI_METRICS,
  {
    package: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/, "is not a PyPI project name")
      .describe("The project, e.g. zenml."),
  },
  "A PyPI project's downloads over the last day, week and month, from pypistats.org (which excludes mirrors).",
);

/** A PyPI project's recent downloads, from pypistats.org. */
export type PypiSourceOptions = z.infer<typeof pypiSourceSchema>;

export function createPypiSource(options: PypiSourceOptions): Source {
  // pypistats keys projects by their normalised name (PEP 503).
  const project = options.package.toLowerCase().replace(/[-_.]+/g, "-");
  return createPresetSource(options, {
    keys: PYPI_METRICS,
    defaultBaseUrl: "https://pypistats.org",
    requests: (baseUrl) => [
      {
        url: `${baseUrl}/api/packages/${project}/recent`,
        paths: { downloads_day: "data.last_day", downloads_week: "data.last_week", downloads_month: "data.last_month" },
      },
    ],
    hint: (status) => (status === 404 ? `project ${options.package} not found on pypistats.org` : undefined),
  });
}
