import * as z from "zod";
import type { Source } from "../../types.js";
import { createPresetSource, presetSchema } from "./preset.js";

export const DOCKERHUB_TYPE = "dockerhub";
export const DOCKERHUB_METRICS = ["pulls", "stars"] as const;

export const dockerhubSourceSchema = presetSchema(
  DOCKERHUB_TYPE,
  DOCKERHUB_METRICS,
  {
    repository: z
      .string()
      .regex(/^(?:[a-z0-9][a-z0-9_.-]*\/)?[a-z0-9][a-z0-9_.-]*$/, 'use "namespace/name", or a bare name for an official image')
      .describe("The image repository, e.g. zenmldocker/zenml; a bare name such as nginx means library/nginx."),
  },
  "A Docker Hub repository's pull and star counts.",
);

/** A Docker Hub repository's counters. */
export type DockerhubSourceOptions = z.infer<typeof dockerhubSourceSchema>;

export function createDockerhubSource(options: DockerhubSourceOptions): Source {
  const repository = options.repository.includes("/") ? options.repository : `library/${options.repository}`;
  return createPresetSource(options, {
    keys: DOCKERHUB_METRICS,
    defaultBaseUrl: "https://hub.docker.com",
    requests: (baseUrl) => [{ url: `${baseUrl}/v2/repositories/${repository}/`, paths: { pulls: "pull_count", stars: "star_count" } }],
    hint: (status) => (status === 404 ? `repository ${repository} not found on Docker Hub` : undefined),
  });
}
