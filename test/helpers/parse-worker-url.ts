/** Under jest, src/ runs from TypeScript: the worker runs the tsc output that global-setup.ts builds. */
export const PARSE_WORKER_URL = new URL("../../dist/src/sources/parse-worker.js", import.meta.url);
