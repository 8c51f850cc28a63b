import { DestinationError } from "../errors.js";
import type { Logger } from "../log/logger.js";
import type { Secrets } from "../log/secrets.js";
import type { Destination, HistoryStore, Job } from "../types.js";
import type { Delivery, ReportChannel } from "./discord/deliver.js";
import type { ReportDestinationOptions } from "./report-options.js";

/** What every report destination (discord, slack) gets besides its options. */
export interface ReportDestinationDeps {
  secrets: Secrets;
  /** @default the pipeline's logger */
  logger?: Logger;
  /** @default the pipeline's history store (`context.history`) */
  history?: HistoryStore;
}

const DEFAULT_REPORT_JOBS: readonly Job[] = ["weekly-report"];

// The report destinations of a run write at once, and their imports share modules: made one at a
// time, as jest's ESM loader fails on two concurrent imports sharing modules (Node's does not).
let importing: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(load: () => Promise<T>): Promise<T> {
  const loaded = importing.then(load);
  importing = loaded.catch(() => undefined);
  return loaded;
}

/**
 * Posts the weekly report on the jobs in `options.jobs`, and, while `alertOnFailure` is on,
 * a failure alert on any other job where sources failed. So with alerts on it subscribes to every job.
 * `loadChannel` is called once, at the first post: the channel's rendering code and the delivery's
 * are imported only then, so a daily run with nothing to post loads no report code.
 */
export function createReportDestination<M>(
  name: string,
  options: ReportDestinationOptions,
  loadChannel: () => Promise<ReportChannel<M>>,
  deps: ReportDestinationDeps,
): Destination {
  const reportJobs = options.jobs ?? DEFAULT_REPORT_JOBS;
  const alertOnFailure = options.alertOnFailure ?? true;
  let channel: Promise<ReportChannel<M>> | undefined;
  return {
    name,
    jobs: alertOnFailure ? undefined : reportJobs,
    async write(snapshot, context) {
      // Neither a report nor an alert: nothing to post (sendFailureAlert posts only for failures).
      if (!reportJobs.includes(snapshot.job) && !snapshot.failures.length) return;
      const { reportOptions, sendFailureAlert, sendWeeklyReport } = await oneAtATime(() => import("./discord/deliver.js"));
      const history = deps.history ?? context.history;
      const logger = deps.logger ?? context.logger;
      const d: Delivery<M> = {
        destination: name,
        channel: await (channel ??= oneAtATime(loadChannel)),
        report: reportOptions(options, { northStar: context.northStar, northStarAggregate: context.northStarAggregate, declared: context.metricDisplay }),
        secrets: deps.secrets,
        logger,
      };
      if (reportJobs.includes(snapshot.job)) {
        if (!history) {
          throw new DestinationError(name, "the weekly report needs a history store: add a notion or file destination (or name one in `history`)", {
            code: "history_missing",
          });
        }
        const result = await sendWeeklyReport(snapshot, history, d);
        // A redelivered run may meet failures the first one didn't; those still get their alert.
        if (result.status === "skipped" && alertOnFailure) await sendFailureAlert(snapshot, history, d);
        return;
      }
      if (alertOnFailure) await sendFailureAlert(snapshot, history, d);
    },
  };
}
