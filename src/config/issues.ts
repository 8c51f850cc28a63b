import type { z } from "zod";

export type PathSegment = string | number | symbol;

/** `["sources", 2, "metrics", "STARS"]` → `sources[2].metrics.STARS`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out || "(config)";
}

/** `path` is `prefix` or lies inside it. */
export function isUnder(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  const a = formatPath(path);
  const b = formatPath(prefix);
  return a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

/** One line per zod issue: the exact place, then what is wrong and how to fix it. */
export function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const where = formatPath(issue.path);
  const input = valueAt(root, issue.path);
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return `${where}: required`;
      return `${where}: expected ${issue.expected}, got ${describeValue(input)}`;
    case "unrecognized_keys":
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key; remove it or check its spelling`).join("\n");
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (options && (issue as { discriminator?: string }).discriminator) {
        const list = options.map(String).join(", ");
        return input === undefined ? `${where}: required; use one of ${list}` : `${where}: unknown type ${describeValue(input)}; use one of ${list}`;
      }
      return `${where}: ${issue.message}`;
    }
    case "invalid_key":
      // A map key (a derived metric's name) that fails its own schema: say why, not "Invalid key in record".
      return `${where}: ${issue.issues[0]?.message ?? issue.message}`;
    case "invalid_value":
      return `${where}: ${describeValue(input)} is not allowed; use one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "too_small":
      if (issue.origin === "array") return `${where}: needs at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === "string") return `${where}: must not be empty`;
      return `${where}: must be at least ${String(issue.minimum)}`;
    default:
      return `${where}: ${issue.message}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return typeof value === "string" ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}
