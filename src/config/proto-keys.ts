import { formatPath, type PathSegment } from "./issues.js";

/**
 * A `__proto__` key anywhere in the config, e.g. a metric or a header of that name. YAML keeps it
 * as a plain key, but the schema's records drop it without a word, so it is refused here.
 */
export function protoKeyIssues(tree: unknown): string[] {
  const issues: string[] = [];
  const walk = (node: unknown, path: PathSegment[]) => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i]));
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "__proto__") issues.push(`${formatPath([...path, key])}: "__proto__" cannot be a name (JavaScript reserves it); choose another`);
        else walk(value, [...path, key]);
      }
    }
  };
  walk(tree, []);
  return issues;
}
