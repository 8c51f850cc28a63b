import type { YAMLError } from "yaml";

/** A value written without quotes that holds a bracket, e.g. `path: data.items[0].count`. */
const UNQUOTED_BRACKETS = /([\w-]+):\s+([^\s"'[{,][^,{}"']*?[[\]{}][^,{}"']*?)\s*(?=[,}]|$)/;

/**
 * The first YAML syntax error as one line: `file:line:col: what`, with a hint to quote when the line
 * has an unquoted value holding brackets. The parser's later errors follow from the first and only
 * bury it, so they are dropped.
 */
export function describeYamlError(error: YAMLError, text: string, fileName: string): string {
  const position = error.linePos?.[0];
  const what = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  const line = position ? (text.split(/\r?\n/)[position.line - 1] ?? "") : "";
  const unquoted = UNQUOTED_BRACKETS.exec(line);
  const hint = unquoted
    ? `; quote values that contain [ ] { } or ", ", e.g. ${unquoted[1]}: "${unquoted[2]}"`
    : error.code === "MISSING_CHAR" && /quote/.test(what)
      ? "; a quote opened earlier is not closed"
      : "";
  return `${fileName}:${position ? `${position.line}:${position.col}` : "?"}: ${what}${hint}`;
}
