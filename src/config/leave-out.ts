import type { EnvIssue } from "./interpolate.js";
import { formatPath, isUnder } from "./issues.js";

/** A destination a dry run leaves out because a variable it uses is not set. */
export interface LeftOutDestination {
  index: number;
  type: string;
  name: string;
  /** The entry as written, variables filled in where they are set. */
  entry: Record<string, unknown>;
  /** The warning to show, naming the destination and the variables. */
  message: string;
}

/**
 * The destinations whose only `${VAR}` problems are unset variables, of a type `leaveOut` accepts.
 * Malformed references still fail: they are mistakes in the file, not in the environment.
 */
export function destinationsToLeaveOut(tree: Record<string, unknown>, issues: readonly EnvIssue[], leaveOut: (type: string) => boolean): LeftOutDestination[] {
  const list = Array.isArray(tree.destinations) ? (tree.destinations as unknown[]) : [];
  return list.flatMap((entry, index) => {
    if (!entry || typeof entry !== "object" || typeof (entry as { type?: unknown }).type !== "string") return [];
    const { type, name } = entry as { type: string; name?: unknown };
    const own = issues.filter((issue) => isUnder(issue.path, ["destinations", index]));
    if (!own.length || own.some((issue) => !issue.missing) || !leaveOut(type)) return [];
    const variables = [...new Set(own.map((issue) => issue.missing))];
    const label = typeof name === "string" ? name : type;
    const unset = variables.length > 1 ? `environment variables ${variables.join(", ")} are not set` : `environment variable ${variables.join("")} is not set`;
    const message = `${formatPath(["destinations", index])} (${label}) is left out of this dry run: ${unset}`;
    return [{ index, type, name: label, entry: entry as Record<string, unknown>, message }];
  });
}
