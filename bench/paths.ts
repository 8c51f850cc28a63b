import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root: the nearest folder above this compiled file that holds package.json. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot();

/** A file of `npm run build`'s output, dist/src/PATH: what the function and the CLI run. */
export const builtPath = (path: string): string => join(ROOT, "dist/src", path);

export const builtUrl = (path: string): string => pathToFileURL(builtPath(path)).href;
