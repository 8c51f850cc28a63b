import * as functions from "@google-cloud/functions-framework";
import { createHandler } from "./function/handler.js";
import { configFileLoader } from "./function/load-pipeline.js";
import { parseFunctionOptions } from "./function/options.js";

// The environment is read here, at the boundary, and passed down as plain objects.
functions.cloudEvent(
  "kpiCollector",
  createHandler({
    readOptions: () => parseFunctionOptions(process.env),
    loadPipeline: configFileLoader(process.env),
  }),
);
