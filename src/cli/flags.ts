import { isIsoDate } from "../dates.js";
import { UsageError } from "../errors.js";

/** Every flag of every command, for `util.parseArgs`. */
export const OPTIONS = {
  config: { type: "string" },
  job: { type: "string" },
  date: { type: "string" },
  only: { type: "string", multiple: true },
  "dry-run": { type: "boolean" },
  force: { type: "boolean" },
  parent: { type: "string" },
  title: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export type Flag = keyof typeof OPTIONS;

/** The flags each command takes; any other is a usage error. */
export const COMMAND_FLAGS: Record<string, readonly Flag[]> = {
  run: ["config", "job", "date", "only", "dry-run"],
  validate: ["config"],
  schema: [],
  report: ["config", "date", "dry-run", "force"],
  "notion init": ["config", "parent", "title"],
};

/** The closest of `candidates` to `word` within a few edits, for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(2, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

const suggest = (word: string, candidates: readonly string[], format = (s: string) => s) => {
  const match = closest(word, candidates);
  return match ? ` (did you mean ${format(match)}?)` : "";
};

/** `util.parseArgs`'s unknown-option error as ours, with the flag it most likely meant. */
export function unknownFlagError(error: unknown, command: string | undefined): UsageError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") return undefined;
  const flag = /'(-{1,2}[^']+)'/.exec((error as Error).message)?.[1] ?? "";
  const known = (command && COMMAND_FLAGS[command]) || (Object.keys(OPTIONS) as Flag[]);
  return new UsageError(`unknown flag ${flag}${suggest(flag.replace(/^-+/, ""), known, (f) => `--${f}`)}${takes(command)}`);
}

/** A flag given to a command that doesn't take it is an error, not silently ignored. */
export function checkCommandFlags(command: string, given: readonly string[]): void {
  const allowed = COMMAND_FLAGS[command];
  if (!allowed) return;
  const extra = given.filter((flag) => flag !== "help" && !allowed.includes(flag as Flag));
  if (extra.length) throw new UsageError(`${command} does not take ${extra.map((f) => `--${f}`).join(", ")}${takes(command)}`);
}

function takes(command: string | undefined): string {
  const allowed = command ? COMMAND_FLAGS[command] : undefined;
  if (!allowed) return "";
  return allowed.length ? `; ${command} takes ${allowed.map((f) => `--${f}`).join(", ")}` : `; ${command} takes no flags`;
}

/** `--date` is a calendar date, YYYY-MM-DD. */
export function checkDateFlag(date: string | undefined): void {
  if (date !== undefined && !isIsoDate(date)) throw new UsageError(`--date: "${date}" is not a date; use YYYY-MM-DD, e.g. --date 2026-03-09`);
}

/** `--only` names sources of the config; the error lists them. */
export function checkOnlyFlag(only: readonly string[] | undefined, sources: readonly string[]): void {
  for (const name of only ?? []) {
    if (!sources.includes(name))
      throw new UsageError(`--only: no source named "${name}"${suggest(name, sources, (s) => `"${s}"`)}; the sources are ${sources.join(", ")}`);
  }
}
