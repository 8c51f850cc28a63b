import type { Logger } from "../log/logger.js";
import type { Secrets } from "../log/secrets.js";
import type { ProcessOptions, RunResult } from "../pipeline.js";
import type { Job } from "../types.js";
import type { FunctionOptions } from "./options.js";

/** The part of `Pipeline` the handler uses, so tests can hand in a fake. */
export interface RunnablePipeline {
  process(job: Job, options?: ProcessOptions): Promise<RunResult>;
  /**
   * The config's IANA time zone: a message without a date runs for the day it was published, here.
   * @default "UTC", as `Pipeline`'s
   */
  readonly timezone?: string;
}

export interface LoadContext {
  /** The handler's secrets: every secret the config yields must be added here before any line is logged. */
  secrets: Secrets;
  logger: Logger;
}

/** Reads the config and builds the pipeline. */
export type PipelineLoader = (options: FunctionOptions, context: LoadContext) => Promise<RunnablePipeline>;

export interface Setup {
  options: FunctionOptions;
  pipeline: RunnablePipeline;
}

export type SetupOutcome = { ok: true; setup: Setup } | { ok: false; error: unknown; firstReport: boolean };

/**
 * Options, config and pipeline are built once per cold start, at the first event.
 * A failure is kept too: the config cannot change within an instance, and the
 * caller logs it in full only at its first report.
 */
export class SetupCache {
  private pending?: Promise<Setup>;
  private reported = false;

  constructor(
    private readonly readOptions: () => FunctionOptions,
    private readonly load: PipelineLoader,
  ) {}

  async get(context: LoadContext): Promise<SetupOutcome> {
    this.pending ??= (async () => {
      const options = this.readOptions();
      return { options, pipeline: await this.load(options, context) };
    })();
    try {
      return { ok: true, setup: await this.pending };
    } catch (error) {
      const firstReport = !this.reported;
      this.reported = true;
      return { ok: false, error, firstReport };
    }
  }
}
