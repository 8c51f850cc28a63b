import { daysBetween } from "../dates.js";

/** The demo startup's numbers: steady growth with a little day-to-day noise, the same for the same date. */
const SERIES = {
  blogPosts: { start: 38, perDay: 0.2, noise: 0 },
  episodes: { start: 21, perDay: 0.07, noise: 0 },
  signups: { start: 1180, perDay: 14, noise: 9 },
  activeUsers: { start: 412, perDay: 3.1, noise: 11 },
  weeklyActive: { start: 1630, perDay: 8.5, noise: 25 },
  mrr: { start: 8400, perDay: 61, noise: 40 },
  churn: { start: 4.2, perDay: -0.003, noise: 0.2 },
} as const;

export type DemoSeries = keyof typeof SERIES;

const EPOCH = "2026-01-01";

/** A deterministic pseudo-random number in [-1, 1] for a date and a series. */
function noise(date: string, key: string): number {
  let hash = 2166136261;
  for (const char of `${date}:${key}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return ((hash >>> 0) / 2 ** 32) * 2 - 1;
}

export function demoValue(series: DemoSeries, date: string): number {
  const { start, perDay, noise: amplitude } = SERIES[series];
  const value = start + perDay * daysBetween(EPOCH, date) + amplitude * noise(date, series);
  return series === "churn" ? Math.round(value * 10) / 10 : Math.max(0, Math.round(value));
}

/** The history row the demo's own config would have produced on `date`. */
export function demoMetrics(date: string): Record<string, number> {
  return {
    BLOG_POSTS: demoValue("blogPosts", date),
    PODCAST_EPISODES: demoValue("episodes", date),
    SIGNUPS: demoValue("signups", date),
    DAILY_ACTIVE_USERS: demoValue("activeUsers", date),
    WEEKLY_ACTIVE_USERS: demoValue("weeklyActive", date),
    MRR: demoValue("mrr", date),
    CHURN_RATE: demoValue("churn", date),
  };
}
