import { ConfigError } from "./errors.js";

interface Named {
  name: string;
  metricNames?: readonly string[];
}

/**
 * Source, metric and destination names must each be unique. Returns one issue per clash;
 * `where(i)` names source `i` (`sources[2]` for config entries, `customSources[0]` for code).
 */
export function uniqueNameIssues(
  sources: readonly Named[],
  destinationNames: readonly string[],
  where: (i: number) => string = (i) => `sources[${i}]`,
): string[] {
  const issues: string[] = [];
  const sourceIndex = new Map<string, number>();
  const metricOwners = new Map<string, string>();
  sources.forEach((source, i) => {
    const earlier = sourceIndex.get(source.name);
    if (earlier !== undefined) issues.push(`${where(i)}.name: "${source.name}" is already the name of ${where(earlier)}; source names must be unique`);
    sourceIndex.set(source.name, i);
    for (const metric of source.metricNames ?? []) {
      const owner = metricOwners.get(metric);
      if (owner !== undefined) issues.push(`${where(i)}.metrics.${metric}: source "${owner}" already produces ${metric}; rename one of them`);
      else metricOwners.set(metric, source.name);
    }
  });
  const destinationIndex = new Map<string, number>();
  destinationNames.forEach((name, i) => {
    const earlier = destinationIndex.get(name);
    if (earlier !== undefined) issues.push(`destinations[${i}].name: "${name}" is already used by destinations[${earlier}]; give each a distinct name`);
    destinationIndex.set(name, i);
  });
  return issues;
}

export function assertUniqueNames(sources: readonly Named[], destinationNames: readonly string[]): void {
  const issues = uniqueNameIssues(sources, destinationNames);
  if (issues.length) throw new ConfigError(issues);
}
