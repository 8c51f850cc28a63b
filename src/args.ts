import { UsageError } from "./errors.js";

/** Bad arguments, ours or `util.parseArgs`'s. */
export function isUsageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"));
}

/** Source names from repeated `--only` flags, each of which may hold a comma-separated list. */
export function onlyNames(flags: string[] | undefined): string[] | undefined {
  return flags?.flatMap((names) =>
    names
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean),
  );
}
