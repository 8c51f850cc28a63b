/**
 * The parse worker's entry file, resolved next to this module: dist/src/sources/parse-worker.js
 * in the tsc output. A bundle that emits the worker as an entry of its own points this at that
 * file (one place to change); tests run from TypeScript sources, so jest.config.js maps this
 * module to test/helpers/parse-worker-url.ts, which names the test build's file.
 */
export const PARSE_WORKER_URL = new URL("./parse-worker.js", import.meta.url);
