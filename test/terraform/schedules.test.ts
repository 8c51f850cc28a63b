import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@cdktf/hcl2json";
import { Cron } from "croner";

const TF_DIR = join(import.meta.dirname, "..", "..", "terraform");
const WEEKS = 8;
const DAY_MS = 86_400_000;

async function defaults(): Promise<{ daily: string; weekly: string; timeZone: string }> {
  const vars = (await parse("variables.tf", readFileSync(join(TF_DIR, "variables.tf"), "utf8"))).variable;
  return { daily: vars.daily_schedule[0].default, weekly: vars.weekly_schedule[0].default, timeZone: vars.time_zone[0].default };
}

/** The example's time zone, to check the schedules in a zone with DST too. */
function exampleTimeZone(): string {
  const match = /^time_zone\s*=\s*"([^"]+)"/m.exec(readFileSync(join(TF_DIR, "terraform.tfvars.example"), "utf8"));
  if (!match?.[1]) throw new Error("terraform.tfvars.example sets no time_zone");
  return match[1];
}

/** Every run of `pattern` in the next `WEEKS` weeks, read as local date, weekday and minute in `timeZone`. */
function runs(pattern: string, timeZone: string, from: Date) {
  const cron = new Cron(pattern, { timezone: timeZone, stopAt: new Date(from.getTime() + WEEKS * 7 * DAY_MS) });
  const date = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const weekday = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short" });
  return cron.nextRuns(WEEKS * 7 + 7, from).map((at) => ({ minute: Math.floor(at.getTime() / 60_000), date: date.format(at), weekday: weekday.format(at) }));
}

/** The local calendar dates strictly after `from`'s local date, through `WEEKS` weeks, with their weekday. */
function calendar(timeZone: string, from: Date) {
  const date = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const weekday = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short" });
  const days = new Map<string, string>();
  // Noon UTC steps hit each local date once in any zone within +-11 h; margins trimmed below.
  for (let t = from.getTime() + DAY_MS; t < from.getTime() + WEEKS * 7 * DAY_MS - DAY_MS; t += DAY_MS / 4) {
    days.set(date.format(t), weekday.format(t));
  }
  return days;
}

describe.each([
  ["the default time zone", async () => (await defaults()).timeZone],
  ["the example's time zone", async () => exampleTimeZone()],
])(`default schedules over the next ${WEEKS} weeks, in %s`, (_label, zone) => {
  it("weekly-report fires on Mondays only, daily on every other day, never together", async () => {
    const { daily, weekly } = await defaults();
    const timeZone = await zone();
    const now = new Date();
    const dailyRuns = runs(daily, timeZone, now);
    const weeklyRuns = runs(weekly, timeZone, now);

    expect(weeklyRuns.length).toBeGreaterThanOrEqual(WEEKS - 1);
    expect(new Set(weeklyRuns.map((r) => r.weekday))).toEqual(new Set(["Mon"]));
    expect(dailyRuns.map((r) => r.weekday)).not.toContain("Mon");

    const dailyMinutes = new Set(dailyRuns.map((r) => r.minute));
    expect(weeklyRuns.filter((r) => dailyMinutes.has(r.minute))).toEqual([]);

    // Exactly one run on every local day: Mondays by weekly-report, the others by daily.
    const byDate = new Map<string, string[]>();
    for (const [job, list] of [
      ["daily", dailyRuns],
      ["weekly-report", weeklyRuns],
    ] as const) {
      for (const r of list) byDate.set(r.date, [...(byDate.get(r.date) ?? []), job]);
    }
    for (const [date, weekday] of calendar(timeZone, now)) {
      expect({ date, weekday, jobs: byDate.get(date) }).toEqual({ date, weekday, jobs: [weekday === "Mon" ? "weekly-report" : "daily"] });
    }
  });
});
