import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * V8's full collection, for the moments a thread knows much of its heap just became garbage (a
 * page's DOM in a parse worker, page text on the main thread). `gc` is exposed in a context
 * created after the flag is set; the flag changes nothing else.
 */
export function garbageCollector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
