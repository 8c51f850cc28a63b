import { describe, expect, it } from "@jest/globals";
import { buildWeeklyReport, type ReportOptions } from "../../src/report/build-report.js";
import { alertMessages, toDiscordMessages } from "../../src/destinations/discord/embeds.js";
import { messagesToText, renderReportText } from "../../src/destinations/discord/render-text.js";
import { MemoryHistory, weeklyRows } from "../helpers/memory-history.js";

// A fixed history: a change in how the report looks shows up as a reviewed snapshot diff.
const DATE = "2024-06-10";
const start = { mrr: 8200, signups: 140, churn: 3.1, conversion: 2.4, stars: 0, visitors: 10400 };
const step = { mrr: 410, signups: 6, churn: -0.1, conversion: 0.1, stars: 0, visitors: -250 };
const options: ReportOptions = {
  northStar: "mrr",
  metrics: {
    mrr: { label: "MRR", format: "currency" },
    signups: { label: "Sign-ups" },
    churn: { label: "Churn", format: "percent", lowerIsBetter: true },
    conversion: { label: "Conversion", format: "percent" },
  },
};
const current = { mrr: 11870.5, signups: 188, churn: 2.4, conversion: 3.3, stars: 25, visitors: 8650, newsletter: 310 };
const failures = [{ source: "plausible", error: "Request failed with status code 503: GET https://plausible.io/api/v1/stats" }];

async function fixedReport() {
  const history = new MemoryHistory([...weeklyRows(DATE, 8, start, step), { date: "2024-06-05", metrics: { mrr: 11500 } }]);
  return buildWeeklyReport({ date: DATE, metrics: current, failures }, history, options);
}

describe("rendered report", () => {
  it("reads as expected in plain text", async () => {
    expect(renderReportText(await fixedReport())).toMatchSnapshot();
  });

  it("sends the expected Discord bodies", async () => {
    expect(toDiscordMessages(await fixedReport(), { username: "KPI bot" })).toMatchSnapshot();
  });

  it("renders a first report as a baseline", async () => {
    const report = await buildWeeklyReport({ date: DATE, metrics: { mrr: 500, users: 3 }, failures: [] }, new MemoryHistory(), options);
    expect(renderReportText(report)).toMatchSnapshot();
  });

  it("renders a failure alert", () => {
    const text = messagesToText(alertMessages({ date: DATE, job: "daily" }, [...failures, { source: "gh_stars", error: "timed out after 30000 ms" }]));
    expect(text).toMatchSnapshot();
  });
});
