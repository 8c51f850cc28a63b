import type { FakeNotion } from "./notion-server.js";

/**
 * The `destinations:` block of a production config (Notion history, Discord report), pointed at
 * the fake Notion. The secrets stay `${NOTION_TOKEN}` and `${DISCORD_WEBHOOK_URL}`, read from the env.
 */
export function fakeDestinationsYaml(notion: Pick<FakeNotion, "databaseId" | "url">): string {
  return `destinations:
  - type: notion
    token: \${NOTION_TOKEN}
    database: ${notion.databaseId}
    baseUrl: ${notion.url}
  - type: discord
    webhookUrl: \${DISCORD_WEBHOOK_URL}
`;
}
