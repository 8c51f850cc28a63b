import { pathToFileURL } from "node:url";
import { built } from "./built.js";

/** Under jest, src/ runs from TypeScript: the worker runs the build that global-setup.ts makes. */
export const PARSE_WORKER_URL = pathToFileURL(built("sources/parse-worker.js"));
