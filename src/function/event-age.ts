import { dateInTimeZone } from "../dates.js";

/** How old the event is, from its CloudEvent `time` (the publish time); undefined when it has none. */
export function eventAgeMs(time: string | undefined, now: Date): number | undefined {
  const published = publishedAt(time);
  return published === undefined ? undefined : Math.max(0, now.getTime() - published);
}

/**
 * The run date of a message that names none: the day it was published, in `timeZone`.
 * Pub/Sub redelivers for hours; a delivery after midnight must not write the next day's row.
 * Without a readable `time` (Eventarc always sets it), the day of `now`; a `time` in the future
 * (a publisher's clock ahead, a forged event) is never believed: a run is never dated after today.
 */
export function publishDate(time: string | undefined, timeZone: string, now: Date): string {
  const published = publishedAt(time);
  return dateInTimeZone(published === undefined || published > now.getTime() ? now : new Date(published), timeZone);
}

function publishedAt(time: string | undefined): number | undefined {
  const published = time ? Date.parse(time) : Number.NaN;
  return Number.isNaN(published) ? undefined : published;
}

/** Human form for log lines: `7h 5m`, `42s`. */
export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
}
