/** A text object inside a block. `verbatim` keeps Slack from turning a plain `@here` or URL into a mention or link. */
export type SlackText = { type: "plain_text"; text: string; emoji?: boolean } | { type: "mrkdwn"; text: string; verbatim?: boolean };

/** The Block Kit blocks reports use. */
export type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string; emoji?: boolean } }
  | { type: "section"; text?: SlackText; fields?: SlackText[] }
  | { type: "context"; elements: SlackText[] }
  | { type: "divider" };

/** The JSON body of one incoming webhook post. */
export interface SlackMessage {
  /** The notification and screen-reader fallback; Slack shows the blocks instead. */
  text: string;
  blocks: SlackBlock[];
  /** Always false: a URL in a reason must not unfurl into a preview. */
  unfurl_links: false;
  unfurl_media: false;
}

/** Slack's documented limits (Block Kit reference; top-level `text` as chat.postMessage advises). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  text: 4000,
} as const;

/**
 * Text shown as typed in mrkdwn: `&`, `<` and `>` are the only characters Slack decodes, and `<`
 * is what starts `<!channel>`, `<@U…>` and `<url|label>`. `&` goes first, so entities aren't doubled.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escaped text cut to `max` without splitting an entity such as `&amp;`. */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/&[a-z]*$/, "")}…`;
}

export function mrkdwn(text: string): SlackText {
  return { type: "mrkdwn", text, verbatim: true };
}
