import type { Metrics } from "./types.js";

interface Producer {
  name: string;
  metricNames?: readonly string[];
}

export interface ClaimedMetrics {
  /** The metrics of every source that kept its own. */
  metrics: Metrics;
  /** Sources left out because they returned a name another source owns, with the reason. */
  clashes: { source: string; error: string }[];
}

/**
 * Each metric name belongs to one source in a run. A name is owned by the source that declares it
 * in `metricNames` (even one that failed or did not run, so a name never changes hands from day to
 * day), otherwise by the first source in `collected` order that returned it. A source returning a
 * name another owns is left out whole and claims none of its names. `collected` is in config
 * order, so the result doesn't depend on which source finished first.
 */
export function claimMetrics(declaring: readonly Producer[], collected: readonly { source: Producer; metrics: Metrics }[]): ClaimedMetrics {
  const owners = new Map<string, string>();
  for (const source of declaring) for (const name of source.metricNames ?? []) owners.set(name, source.name);
  const metrics: Metrics = {};
  const clashes: ClaimedMetrics["clashes"] = [];
  for (const { source, metrics: values } of collected) {
    const taken = Object.keys(values).flatMap((name) => {
      const owner = owners.get(name);
      return owner !== undefined && owner !== source.name ? [{ name, owner }] : [];
    });
    if (taken.length) {
      const which = taken.map(({ name, owner }, i) => `${name}${i === 0 ? " is" : ""} also produced by source "${owner}"`).join(", ");
      clashes.push({
        source: source.name,
        error: `${which}; metric names must be unique across sources, so "${source.name}" is left out (rename the metric in one of them)`,
      });
      continue;
    }
    for (const name of Object.keys(values)) owners.set(name, source.name);
    Object.assign(metrics, values);
  }
  return { metrics, clashes };
}
