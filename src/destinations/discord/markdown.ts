/** Text shown as typed in Discord: no bold, links, mentions or headings from a label or an error. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_~`|[\]<>#]/g, "\\$&");
}
