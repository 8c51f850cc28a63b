import { addDays, dateInTimeZone } from "../../dates.js";

/** The `days` days that end on a run date, as calendar dates and as instants in a time zone. */
export interface Period {
  /** The first day, `YYYY-MM-DD`. */
  from: string;
  /** The last day, the run date itself. */
  to: string;
  /** 00:00 of `from` in the time zone. */
  start: Date;
  /** 00:00 of the day after `to` in the time zone: the period excludes it. */
  end: Date;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `at`. */
function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant `date` begins in `timeZone`. */
export function startOfDay(date: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  // The offset at the guess can differ from the offset at the answer across a DST change: one more step settles it.
  const guess = midnightUtc - offsetMs(midnightUtc, timeZone);
  const settled = midnightUtc - offsetMs(guess, timeZone);
  // Where the clocks skip midnight (Santiago, Havana), one of the two is 23:00 the day before: the
  // day begins at the earliest that falls on `date`, the instant the clocks jump.
  const onDate = [guess, settled].sort((a, b) => a - b).find((at) => dateInTimeZone(new Date(at), timeZone) === date);
  return new Date(onDate ?? settled);
}

/** The `days` days ending on `date` (inclusive) in `timeZone`. */
export function periodEndingOn(date: string, days: number, timeZone: string): Period {
  const from = addDays(date, 1 - days);
  return { from, to: date, start: startOfDay(from, timeZone), end: startOfDay(addDays(date, 1), timeZone) };
}
