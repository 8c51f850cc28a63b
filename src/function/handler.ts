import type { CloudEvent } from "@google-cloud/functions-framework";
import { AsyncLocalStorage } from "node:async_hooks";
import { ConfigError, RetryableEventError, errorMessage, isKpiError } from "../errors.js";
import { createLogger, jsonLineSink, type LogRecord, type LogSink, type Logger } from "../log/logger.js";
import { Secrets } from "../log/secrets.js";
import { eventAgeMs, formatAge, publishDate } from "./event-age.js";
import { decodeJobRequest } from "./message.js";
import type { FunctionOptions } from "./options.js";
import { SetupCache, type PipelineLoader } from "./pipeline-cache.js";
import { logRunSummary, summarizeRun } from "../run-summary.js";
import type { Job } from "../types.js";

export interface HandlerDeps {
  /** Read once, at the first event. */
  readOptions: () => FunctionOptions;
  loadPipeline: PipelineLoader;
  /** @default one JSON line a record on stdout */
  sink?: LogSink;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * The Pub/Sub CloudEvent handler. A bad message, a bad config or an event older than
 * the maximum age is logged and acknowledged; only a failed destination throws.
 */
export function createHandler(deps: HandlerDeps): (event: CloudEvent<unknown>) => Promise<void> {
  const secrets = new Secrets();
  const sink = deps.sink ?? jsonLineSink();
  // The pipeline is built once with this logger, yet its lines belong to the event being run.
  const current = new AsyncLocalStorage<RunContext>();
  const logger = createLogger({ secrets, sink: (record) => sink(withRunContext(record, current.getStore())) });
  const now = deps.now ?? (() => new Date());
  const cache = new SetupCache(deps.readOptions, deps.loadPipeline);

  return (event) => {
    const context: RunContext = { eventId: event.id };
    return current.run(context, () =>
      handle(event, context).catch((error: unknown) => {
        if (error instanceof RetryableEventError) throw error;
        // The framework prints what the handler throws to stderr: an unforeseen error is logged and rethrown redacted.
        const reason = secrets.redact(errorMessage(error));
        logger.error(`unexpected error: ${reason}`, { stack: error instanceof Error ? error.stack : undefined });
        throw new RetryableEventError(reason);
      }),
    );
  };

  async function handle(event: CloudEvent<unknown>, context: RunContext): Promise<void> {
    const started = now().getTime();
    let request;
    try {
      request = decodeJobRequest(event.data);
    } catch (error) {
      if (!isKpiError(error, "message_invalid")) throw error;
      logger.error(`message rejected: ${error.message}; acknowledged, it will not be retried`, { outcome: "rejected" });
      return;
    }
    context.job = request.job;

    const outcome = await cache.get({ secrets, logger });
    if (!outcome.ok) {
      reportSetupError(logger, outcome.error, outcome.firstReport);
      return;
    }
    const { options, pipeline } = outcome.setup;

    const age = eventAgeMs(event.time, now());
    if (age !== undefined && age > options.maxEventAgeMs) {
      logger.warn(`event is ${formatAge(age)} old, over the maximum of ${formatAge(options.maxEventAgeMs)}; acknowledged without running`, {
        ageMs: age,
        outcome: "too-old",
      });
      return;
    }

    // The publish time, not the delivery time: a retry after midnight still runs the day it was published for.
    const date = request.date ?? publishDate(event.time, pipeline.timezone ?? "UTC", now());
    logger.info(`${request.job} started`, { date, only: request.only });
    let result;
    try {
      result = await pipeline.process(request.job, { date, only: request.only });
    } catch (error) {
      const reason = secrets.redact(errorMessage(error));
      if (error instanceof ConfigError) {
        logger.error(`message rejected: ${reason}; acknowledged, it will not be retried`, { outcome: "rejected" });
        return;
      }
      logger.error(`${request.job} failed: ${reason}`, { durationMs: now().getTime() - started, outcome: "failed" });
      throw new RetryableEventError(`${request.job} failed: ${reason}`);
    }

    const summary = summarizeRun(result, now().getTime() - started);
    logRunSummary(logger, { ...summary, fields: { ...summary.fields, outcome: result.ok ? "ok" : "failed" } });
    if (!result.ok) {
      const failed = result.destinations.filter((d) => !d.ok).map((d) => `${d.destination}: ${d.error ?? "failed"}`);
      throw new RetryableEventError(secrets.redact(`destinations failed, Pub/Sub will redeliver: ${failed.join("; ")}`));
    }
  }
}

/**
 * How an event ended, on the last line it logs (field `outcome`): `npm run trigger:local` reads it
 * from the local function's log, since the HTTP answer is 204 for every acknowledged event.
 */
export type EventOutcome = "ok" | "failed" | "rejected" | "config-error" | "too-old";

/** What every line logged while an event runs carries; `job` once the message is decoded. */
interface RunContext {
  eventId: string;
  job?: Job;
}

function withRunContext(record: LogRecord, context: RunContext | undefined): LogRecord {
  if (!context) return record;
  const { severity, message, eventId = context.eventId, job = context.job, ...rest } = record;
  return job === undefined ? { severity, message, eventId, ...rest } : { severity, message, eventId, job, ...rest };
}

function reportSetupError(logger: Logger, error: unknown, firstReport: boolean): void {
  if (firstReport) {
    const issues = error instanceof ConfigError ? error.issues : undefined;
    logger.error(`config error, every event is acknowledged without running until it is fixed and redeployed: ${errorMessage(error)}`, {
      issues,
      outcome: "config-error",
    });
  } else {
    logger.warn("acknowledged without running: the config is invalid (logged in full at this instance's first event)", { outcome: "config-error" });
  }
}
