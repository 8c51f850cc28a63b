// Apart from north-star.ts: a daily run's derived metrics read this many days of history, without the report's code.

/** The views the block shows, in days, each against the window of the same length before it. */
export const NORTH_STAR_VIEWS = [7, 28] as const;

/** Days of history the block reads: two of the longest window. */
export const NORTH_STAR_DAYS = 2 * Math.max(...NORTH_STAR_VIEWS);
