import { addDays } from "../../src/dates.js";
import type { FakeNotion } from "./notion-server.js";

/** Ten derived metrics of the kinds a SaaS team keeps, with windows and look-backs up to 90 days. */
export const TEN_DERIVED = `derived:
  RATIO: { expr: "MRR / USERS" }
  MRR_AVG_7D: { expr: "avg(MRR, 7)" }
  MRR_AVG_28D: { expr: "avg(MRR, 28)" }
  USERS_MAX_90D: { expr: "max(USERS, 90)" }
  USERS_MIN_90D: { expr: "min(USERS, 90)" }
  SIGNUPS_7D: { expr: "sum(SIGNUPS, 7)" }
  SIGNUPS_30D: { expr: "sum(SIGNUPS, 30)" }
  MRR_GROWTH_30D: { expr: "pct_change(MRR, 30)", format: percent }
  USERS_CHANGE_90D: { expr: "change(USERS, 90)" }
  RATIO_AVG_7D: { expr: "avg(RATIO, 7)" }
`;

export const TEN_DERIVED_NAMES = [
  "RATIO",
  "MRR_AVG_7D",
  "MRR_AVG_28D",
  "USERS_MAX_90D",
  "USERS_MIN_90D",
  "SIGNUPS_7D",
  "SIGNUPS_30D",
  "MRR_GROWTH_30D",
  "USERS_CHANGE_90D",
  "RATIO_AVG_7D",
];

/** What the app source returns today. */
export const TODAY_VALUES = { MRR: 5000, USERS: 321, SIGNUPS: 3 };

/** Day `i` of the seeded history, oldest first. */
export const seeded = (i: number) => ({ MRR: 1000 + i, USERS: 100 + i, SIGNUPS: i % 7 });

/** A json source on `url` returning `TODAY_VALUES`, with the ten derived metrics. */
export function derivedSourcesYaml(url: string): string {
  return `${TEN_DERIVED}sources:
  - name: app
    type: json
    url: ${url}
    metrics: { MRR: { path: MRR }, USERS: { path: USERS }, SIGNUPS: { path: SIGNUPS } }
`;
}

/**
 * `days` rows of history ending yesterday, and every column a daily run writes already there
 * (as after the first run), so no run pays for a schema change.
 */
export function prepareDerivedDatabase(notion: FakeNotion, days: number, today: string): void {
  notion.addColumn("Reported to", "rich_text");
  notion.addColumn("Alerted", "rich_text");
  for (const name of TEN_DERIVED_NAMES) notion.addColumn(name, "number");
  notion.seedDays(days, { end: addDays(today, -1), metrics: seeded });
}
