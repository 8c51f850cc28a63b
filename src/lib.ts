/**
 * kpi-collector as a library (`import { Pipeline } from "kpi-collector"`). Importing it has no
 * side effects: it registers no function, reads no environment and starts nothing. The Cloud
 * Function entry is src/function/entry.ts (package.json `main`).
 */
export { Pipeline, type PipelineOptions, type ProcessOptions, type RunResult, type DestinationResult, type ProgressEvent } from "./pipeline.js";
export {
  JOBS,
  isHistoryStore,
  type Job,
  type Metrics,
  type Snapshot,
  type SourceFailure,
  type Source,
  type SourceContext,
  type Destination,
  type DestinationContext,
  type HistoryStore,
  type HistoryRow,
  type ReportMark,
} from "./types.js";
export {
  KpiError,
  isKpiError,
  ConfigError,
  UsageError,
  MessageError,
  RetryableEventError,
  SourceError,
  DestinationError,
  HttpError,
  WebhookError,
  DiscordError,
  SlackError,
  RetriesExhausted,
  UncertainWrite,
  ColumnTypeError,
  type KpiErrorCode,
  type DiscordErrorCode,
  type SlackErrorCode,
} from "./errors.js";
export { HTTP_RETRY, type RetryPolicy } from "./http/retry.js";
export { loadConfig, loadConfigFile, type Config, type Env, type LoadOptions } from "./config/load.js";
export { defineConfig, configFromObject, type ConfigInput } from "./config/define.js";
export { buildPipeline, type BuildDeps, type Tuning } from "./build.js";
export { createSource, sourceSchema, SOURCE_TYPES, type SourceOptions, type SourceType } from "./sources/registry.js";
export {
  createDestination,
  destinationSchema,
  DESTINATION_TYPES,
  type DestinationOptions,
  type DestinationDeps,
  type DestinationType,
} from "./destinations/registry.js";
export { createConsoleDestination, type ConsoleOptions } from "./destinations/console.js";
export { createFileDestination, type FileOptions } from "./destinations/file.js";
export { createHttpClient, type HttpClient, type HttpClientOptions, type HttpRequest, type HttpResponse } from "./http/client.js";
export { createLogger, jsonLineSink, silentLogger, type Logger, type LogRecord } from "./log/logger.js";
export { Secrets } from "./log/secrets.js";
