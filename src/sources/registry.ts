import * as z from "zod";
import { unionTypes } from "../config/union-types.js";
import type { Source } from "../types.js";
import { createHtmlSource, HTML_TYPE, htmlSourceSchema } from "./html.js";
import { createJsonSource, JSON_TYPE, jsonSourceSchema } from "./json.js";
import { createDiscordInviteSource, DISCORD_INVITE_TYPE, discordInviteSourceSchema } from "./presets/discord-invite.js";
import { createDockerhubSource, DOCKERHUB_TYPE, dockerhubSourceSchema } from "./presets/dockerhub.js";
import { createGa4Source, GA4_TYPE, ga4SourceSchema } from "./presets/ga4.js";
import { createGithubSource, GITHUB_TYPE, githubSourceSchema } from "./presets/github.js";
import { createNpmSource, NPM_TYPE, npmSourceSchema } from "./presets/npm.js";
import { createPlausibleSource, PLAUSIBLE_TYPE, plausibleSourceSchema } from "./presets/plausible.js";
import { createPosthogSource, POSTHOG_TYPE, posthogSourceSchema } from "./presets/posthog.js";
import { createStripeSource, STRIPE_TYPE, stripeSourceSchema } from "./presets/stripe.js";
import { createPypiSource, PYPI_TYPE, pypiSourceSchema } from "./presets/pypi.js";

export const sourceSchema = z.discriminatedUnion("type", [
  htmlSourceSchema,
  jsonSourceSchema,
  githubSourceSchema,
  npmSourceSchema,
  pypiSourceSchema,
  dockerhubSourceSchema,
  discordInviteSourceSchema,
  stripeSourceSchema,
  posthogSourceSchema,
  ga4SourceSchema,
  plausibleSourceSchema,
]);

/** One entry of `sources:` in the config, after validation. */
export type SourceOptions = z.infer<typeof sourceSchema>;

export type SourceType = SourceOptions["type"];

/** Every source `type` a config may use, read from `sourceSchema`. */
export const SOURCE_TYPES: readonly SourceType[] = unionTypes(sourceSchema);

/** Builds the source a config entry describes. It does no I/O, so its `metricNames` can be checked at load. */
export function createSource(options: SourceOptions): Source {
  switch (options.type) {
    case HTML_TYPE:
      return createHtmlSource(options);
    case JSON_TYPE:
      return createJsonSource(options);
    case GITHUB_TYPE:
      return createGithubSource(options);
    case NPM_TYPE:
      return createNpmSource(options);
    case PYPI_TYPE:
      return createPypiSource(options);
    case DOCKERHUB_TYPE:
      return createDockerhubSource(options);
    case DISCORD_INVITE_TYPE:
      return createDiscordInviteSource(options);
    case STRIPE_TYPE:
      return createStripeSource(options);
    case POSTHOG_TYPE:
      return createPosthogSource(options);
    case GA4_TYPE:
      return createGa4Source(options);
    case PLAUSIBLE_TYPE:
      return createPlausibleSource(options);
  }
}
