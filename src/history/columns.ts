/** Columns every history store keeps beside the metrics, in the CSV file and in Notion alike. */

/** Set once the weekly report of that date was posted, so a retried run doesn't post it twice. */
export const REPORT_SENT_COLUMN = "Report sent";
/** The sources already alerted about that date, so each failure is announced once. */
export const ALERTED_COLUMN = "Alerted";

/** The `Alerted` sources after `added` were alerted about: each once, sorted, in every store. */
export function mergeAlerted(known: readonly string[] | undefined, added: readonly string[]): string[] {
  return [...new Set([...(known ?? []), ...added])].sort();
}
