import { readFile } from "node:fs/promises";
import { sharedParsePool } from "./parse-pool.js";

/** Whether a config's text may hold a selector (an html metric's, a login's form or check): what a run parses pages for. */
export function mayHoldSelector(configText: string): boolean {
  return /\b(selector|form|check)\s*:/.test(configText);
}

/**
 * Called before a run loads its modules: when the config may hold a selector, starts the shared
 * parse pool's first worker, so the thread boots on another core while the main thread loads,
 * checks the config and fetches. A file that can't be read starts nothing; loading it says why.
 */
export async function warmParserFor(configPath: string): Promise<void> {
  const text = await readFile(configPath, "utf8").catch(() => "");
  if (mayHoldSelector(text)) sharedParsePool().warm();
}
