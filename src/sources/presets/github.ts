import * as z from "zod";
import type { Source } from "../../types.js";
import { createPresetSource, presetSchema } from "./preset.js";

export const GITHUB_TYPE = "github";
export const GITHUB_METRICS = ["stars", "forks", "watchers", "open_issues"] as const;

export const githubSourceSchema = presetSchema(
  GITHUB_TYPE,
  GITHUB_METRICS,
  {
    repo: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'use "owner/name", e.g. zenml-io/zenml')
      .describe("The repository, owner/name."),
    token: z.string().min(1).optional().describe("A GitHub token: raises the rate limit from 60 to 5,000 requests an hour and reads private repositories."),
  },
  "A GitHub repository's stars, forks, watchers and open issues (open issues include pull requests, as GitHub counts them).",
);

/** A GitHub repository's counters, from `GET /repos/{owner}/{repo}`. */
export type GithubSourceOptions = z.infer<typeof githubSourceSchema>;

export function createGithubSource(options: GithubSourceOptions): Source {
  const headers: Record<string, string> = { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return createPresetSource(options, {
    keys: GITHUB_METRICS,
    defaultBaseUrl: "https://api.github.com",
    secrets: [options.token],
    requests: (baseUrl) => [
      {
        url: `${baseUrl}/repos/${options.repo}`,
        headers,
        paths: { stars: "stargazers_count", forks: "forks_count", watchers: "subscribers_count", open_issues: "open_issues_count" },
      },
    ],
    hint: (status) =>
      status === 404
        ? `repository ${options.repo} not found${options.token ? " or the token cannot read it" : "; a private repository needs a token"}`
        : status === 401
          ? "the token is invalid or expired"
          : status === 403 || status === 429
            ? `rate limited or forbidden${options.token ? "" : "; a token raises the limit"}`
            : undefined,
  });
}
