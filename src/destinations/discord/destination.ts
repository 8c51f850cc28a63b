import { DestinationError } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import type { Secrets } from "../../log/secrets.js";
import type { Destination, HistoryStore, Job } from "../../types.js";
import type { Delivery } from "./deliver.js";
import { DISCORD_TYPE, type DiscordOptions } from "./options.js";
import { createWebhookClient, type WebhookDeliveryOptions } from "./webhook.js";

export interface DiscordDeps extends WebhookDeliveryOptions {
  secrets: Secrets;
  /** @default the pipeline's logger */
  logger?: Logger;
  /** @default the pipeline's history store (`context.history`) */
  history?: HistoryStore;
}

const DEFAULT_REPORT_JOBS: readonly Job[] = ["weekly-report"];

/**
 * Posts the weekly report on the jobs in `options.jobs`, and, while `alertOnFailure` is on,
 * a failure alert on any other job where sources failed. So with alerts on it subscribes to every job.
 */
export function createDiscordDestination(options: DiscordOptions, deps: DiscordDeps): Destination {
  const name = options.name ?? DISCORD_TYPE;
  const reportJobs = options.jobs ?? DEFAULT_REPORT_JOBS;
  const alertOnFailure = options.alertOnFailure ?? true;
  const webhook = createWebhookClient(options.webhookUrl, { ...deps, destination: name });
  return {
    name,
    jobs: alertOnFailure ? undefined : reportJobs,
    async write(snapshot, context) {
      const history = deps.history ?? context.history;
      const d: Delivery = { destination: name, options, webhook, secrets: deps.secrets, logger: deps.logger ?? context.logger, northStar: context.northStar };
      if (!reportJobs.includes(snapshot.job) && !snapshot.failures.length) return;
      // The report's code (and the alert's, which shares it) is loaded only when there is something to post.
      const { sendFailureAlert, sendWeeklyReport } = await import("./deliver.js");
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
