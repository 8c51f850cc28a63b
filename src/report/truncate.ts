/** `text` cut to `max` UTF-16 units, the last one an ellipsis when anything was cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
