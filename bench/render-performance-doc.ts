import { updatePerformanceDoc, PERFORMANCE_DOC } from "./performance-doc.js";

/** `npm run docs:performance`: the figures table of docs/performance.md, again from bench/results.json. */
await updatePerformanceDoc();
process.stdout.write(`Wrote ${PERFORMANCE_DOC}\n`);
