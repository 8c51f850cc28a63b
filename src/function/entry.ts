import * as functions from "@google-cloud/functions-framework";
import { createHandler } from "./handler.js";
import { configFileLoader } from "./load-pipeline.js";
import { parseFunctionOptions } from "./options.js";

// The Cloud Function entry (package.json `main`): importing it registers the function. The
// library entry, src/lib.ts, has no such side effect.
// The environment is read here, at the boundary, and passed down as plain objects.
functions.cloudEvent(
  "kpiCollector",
  createHandler({
    readOptions: () => parseFunctionOptions(process.env),
    loadPipeline: configFileLoader(process.env),
  }),
);
