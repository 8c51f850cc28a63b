import { ConfigError } from "./errors.js";
import type { Destination, Source } from "./types.js";

/** Source, metric and destination names must each be unique: a clash is a config error, raised before any run. */
export function assertUniqueNames(sources: Source[], destinations: Destination[]): void {
  const issues: string[] = [];
  const seen = new Map<string, string>();
  sources.forEach((source, i) => {
    if (seen.has(`source:${source.name}`)) issues.push(`sources[${i}].name: "${source.name}" is used by another source; names must be unique`);
    seen.set(`source:${source.name}`, source.name);
    for (const metric of source.metricNames ?? []) {
      const owner = seen.get(`metric:${metric}`);
      if (owner !== undefined) issues.push(`sources[${i}].metrics.${metric}: also produced by source "${owner}"; metric names must be unique across sources`);
      else seen.set(`metric:${metric}`, source.name);
    }
  });
  const names = new Set<string>();
  destinations.forEach((d, i) => {
    if (names.has(d.name)) issues.push(`destinations[${i}].name: "${d.name}" is used by another destination; names must be unique`);
    names.add(d.name);
  });
  if (issues.length) throw new ConfigError(issues);
}
