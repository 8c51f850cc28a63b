import { formatPath } from "../config/issues.js";

export { formatPath };
/** One step of a path: an object key or an array index (negative counts from the end). */
export type PathSegment = string | number;

export type Resolved = { found: true; value: unknown } | { found: false; missing: string };

/**
 * Parses a dot/bracket path: `data.items[0].count`, `["key with.dots"].value`,
 * `items[-1]` (the last item). A leading `$` or `$.` is accepted and ignored.
 * Throws an `Error` whose message says what is wrong and where.
 */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = path.startsWith("$") ? 1 : 0;
  if (i === 1 && path[1] === ".") i = 2;
  let expectKey = i === 0 || path[i - 1] === ".";
  while (i < path.length) {
    const char = path[i];
    if (char === "[") {
      const end = readBracket(path, i, segments);
      i = end;
      expectKey = false;
    } else if (char === ".") {
      if (expectKey) throw new Error(`empty key at position ${i} of "${path}"`);
      i++;
      expectKey = true;
    } else {
      if (!expectKey) throw new Error(`expected "." or "[" at position ${i} of "${path}"`);
      let end = i;
      while (end < path.length && path[end] !== "." && path[end] !== "[") end++;
      const key = path.slice(i, end);
      if (key.includes("]")) throw new Error(`unexpected "]" in "${path}"`);
      segments.push(key);
      i = end;
      expectKey = false;
    }
  }
  if (expectKey && segments.length > 0) throw new Error(`"${path}" ends with "."`);
  if (segments.length === 0) throw new Error("the path is empty");
  return segments;
}

/** Reads `[0]`, `[-1]`, `["key"]` or `['key']` starting at `start`; returns the index after `]`. */
function readBracket(path: string, start: number, segments: PathSegment[]): number {
  const quote = path[start + 1];
  if (quote === '"' || quote === "'") {
    let key = "";
    let i = start + 2;
    for (; i < path.length && path[i] !== quote; i++) {
      if (path[i] === "\\" && i + 1 < path.length) i++;
      key += path[i];
    }
    if (path[i] !== quote || path[i + 1] !== "]") throw new Error(`unclosed ${quote}key${quote}] at position ${start} of "${path}"`);
    segments.push(key);
    return i + 2;
  }
  const end = path.indexOf("]", start);
  const inner = end === -1 ? "" : path.slice(start + 1, end);
  if (!/^-?\d+$/.test(inner)) throw new Error(`expected [number] or ["key"] at position ${start} of "${path}"`);
  segments.push(Number(inner));
  return end + 1;
}

/** Walks `segments` into `value`; when a step is missing, says which prefix was not there. */
export function resolvePath(value: unknown, segments: readonly PathSegment[]): Resolved {
  let current = value;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as PathSegment;
    let next: unknown;
    if (typeof segment === "number") {
      next = Array.isArray(current) ? current.at(segment) : undefined;
    } else if (current !== null && typeof current === "object" && !Array.isArray(current) && Object.hasOwn(current, segment)) {
      next = (current as Record<string, unknown>)[segment];
    }
    if (next === undefined) return { found: false, missing: formatPath(segments.slice(0, i + 1)) };
    current = next;
  }
  return { found: true, value: current };
}
