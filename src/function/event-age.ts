/** How old the event is, from its CloudEvent `time` (the publish time); undefined when it has none. */
export function eventAgeMs(time: string | undefined, now: Date): number | undefined {
  if (!time) return undefined;
  const published = Date.parse(time);
  return Number.isNaN(published) ? undefined : Math.max(0, now.getTime() - published);
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
