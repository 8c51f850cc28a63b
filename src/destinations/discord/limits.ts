/** One embed as the Discord API takes it (only the keys reports use). */
export interface DiscordEmbed {
  title?: string;
  description?: string;
  /** RGB as an integer. */
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  author?: { name: string };
  timestamp?: string;
  /** `attachment://<filename>` shows a file uploaded with the same message. */
  image?: { url: string };
}

/** A file uploaded with a message (multipart `files[n]`): never part of the JSON body. */
export interface DiscordUpload {
  filename: string;
  contentType: string;
  data: Uint8Array;
  /** Alt text: Discord's attachment `description`, at most 1,024 characters. */
  description?: string;
}

/** The JSON body of one webhook execution. */
export interface DiscordMessage {
  content?: string;
  username?: string;
  avatar_url?: string;
  embeds?: DiscordEmbed[];
  /** Always `{ parse: [] }`: a metric name or a reason can never ping anyone. */
  allowed_mentions: { parse: string[] };
  /** Files sent as multipart parts `files[0]`, `files[1]`, …; the client writes their `attachments` entries. */
  files?: DiscordUpload[];
}

/** Discord's documented limits (message.mdx, "Embed Limits"). */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  /** title + description + field names and values + footer + author, over all embeds of a message. */
  total: 6000,
} as const;

/** Characters an embed counts toward the 6,000 total. UTF-16 length is never below Discord's count. */
export function embedSize(embed: DiscordEmbed): number {
  let size = (embed.title ?? "").length + (embed.description ?? "").length;
  size += (embed.footer?.text ?? "").length + (embed.author?.name ?? "").length;
  for (const field of embed.fields ?? []) size += field.name.length + field.value.length;
  return size;
}
