import { customSources } from "../custom-sources.js";
import { destinationName, destinationSchema, HISTORY_TYPES, type DestinationOptions } from "../destinations/registry.js";
import { createSource, sourceSchema } from "../sources/registry.js";
import { uniqueNameIssues } from "../unique-names.js";
import { reservedDerivedIssues, reservedNameIssues } from "./reserved-names.js";
import { derivedIssues } from "../derived/program.js";
import { derivedMapSchema } from "../derived/schema.js";
import { didYouMean } from "../did-you-mean.js";

/** Entries of a list that passed their own schema, by their index; undefined where one did not. */
function parseEach<T>(list: unknown, parse: (item: unknown) => { success: true; data: T } | { success: false }): (T | undefined)[] {
  return Array.isArray(list)
    ? list.map((item) => {
        const result = parse(item);
        return result.success ? result.data : undefined;
      })
    : [];
}

/** The raw entry names the metric, or is a preset whose derived names (`<NAME>_<KEY>`) could. */
function mentions(entry: unknown, metric: string): boolean {
  const name = (entry as { name?: unknown } | null)?.name;
  const prefix = typeof name === "string" ? `${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_` : undefined;
  return JSON.stringify(entry ?? null).includes(metric) || (prefix !== undefined && metric.startsWith(prefix));
}

/**
 * What the schema can't see: names that must be unique, and references between parts.
 * Runs on the entries that parse even when others don't, so one `validate` names every problem;
 * northStar is checked against the sources that parse unless one that doesn't mentions it.
 * `leftOut` names destinations a dry run left out: references to them are not errors.
 */
export function crossCheck(tree: Record<string, unknown>, leftOut: ReadonlySet<string> = new Set()): string[] {
  const sourceOptions = parseEach(tree.sources, (item) => sourceSchema.safeParse(item));
  const destinations = parseEach(tree.destinations, (item) => destinationSchema.safeParse(item));
  // An entry that failed its schema stands in under a name nothing can clash with, so indices stay right.
  const configSources: { name: string; metricNames?: readonly string[] }[] = sourceOptions.map((options, i) =>
    options ? createSource(options) : { name: `\0unparsed ${i}` },
  );
  const where = (i: number) => (i < configSources.length ? `sources[${i}]` : `customSources[${i - configSources.length}] (src/custom-sources.ts)`);
  const sources = [...configSources, ...customSources];
  const names = destinations.map((d, i) => (d ? destinationName(d) : `\0unparsed ${i}`));
  const problems = [...uniqueNameIssues(sources, names, where), ...reservedNameIssues(sources, destinations, where)];

  const allSources = sourceOptions.length > 0 && sourceOptions.every(Boolean);
  const derived = derivedMapSchema.safeParse(tree.derived ?? {});
  const derivedNames = derived.success ? Object.keys(derived.data) : [];
  // Names can be checked only when every source says which metrics it yields.
  const sourceMetrics = allSources && sources.every((s) => s.metricNames) ? new Set(sources.flatMap((s) => s.metricNames ?? [])) : undefined;
  if (derived.success) problems.push(...reservedDerivedIssues(derivedNames, destinations), ...derivedIssues(derived.data, sourceMetrics));

  const northStar = tree.northStar;
  // A source that did not parse may still be the one producing it: only when none of them mentions it is it an error now.
  const unparsed = Array.isArray(tree.sources) ? tree.sources.filter((_, i) => !sourceOptions[i]) : [];
  if (typeof northStar === "string" && sourceOptions.length && derived.success && !unparsed.some((entry) => mentions(entry, northStar))) {
    const metrics = [...sources.flatMap((source) => source.metricNames ?? []), ...derivedNames];
    const hint = didYouMean(northStar, metrics) || (metrics.length ? `; use one of ${metrics.join(", ")}` : "");
    if (!metrics.includes(northStar))
      problems.push(`northStar: "${northStar}" is not a metric of any source${derivedNames.length ? " or derived metric" : ""}${hint}`);
  }
  const allDestinations = destinations.every(Boolean);
  const checkHistory = (at: string, name: unknown) => {
    if (typeof name !== "string" || leftOut.has(name)) return;
    const target = destinations.find((d): d is DestinationOptions => d !== undefined && destinationName(d) === name);
    if (!target) {
      if (allDestinations) problems.push(`${at}: no destination named "${name}"`);
    } else if (!HISTORY_TYPES.includes(target.type)) {
      problems.push(`${at}: destination "${name}" is a ${target.type} destination; use a ${HISTORY_TYPES.join(" or ")} destination`);
    }
  };
  checkHistory("history", tree.history);
  destinations.forEach((d, i) => checkHistory(`destinations[${i}].history`, d && "history" in d ? d.history : undefined));
  return problems;
}
