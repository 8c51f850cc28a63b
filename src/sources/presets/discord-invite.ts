import * as z from "zod";
import type { Source } from "../../types.js";
import { createPresetSource, presetSchema } from "./preset.js";

export const DISCORD_INVITE_TYPE = "discord-invite";
export const DISCORD_INVITE_METRICS = ["members", "online"] as const;

export const discordInviteSourceSchema = presetSchema(
  DISCORD_INVITE_TYPE,
  DISCORD_INVITE_METRICS,
  {
    code: z
      .string()
      .regex(
        /^(?:https?:\/\/)?(?:(?:www\.)?discord(?:app)?\.(?:gg|com)\/(?:invite\/)?)?[A-Za-z0-9-]+\/?$/,
        "use the invite code, e.g. abc123, or its discord.gg link",
      )
      .describe("The invite code or link (discord.gg/abc123); make it an invite that never expires."),
  },
  "A Discord server's approximate member and online counts, read from a public invite; no bot needed.",
);

/** A Discord server's size, from one of its invites. */
export type DiscordInviteSourceOptions = z.infer<typeof discordInviteSourceSchema>;

/** `https://discord.gg/abc123` → `abc123`. */
function inviteCode(codeOrLink: string): string {
  return codeOrLink.replace(/\/+$/, "").split("/").pop() ?? codeOrLink;
}

export function createDiscordInviteSource(options: DiscordInviteSourceOptions): Source {
  const code = inviteCode(options.code);
  return createPresetSource(options, {
    keys: DISCORD_INVITE_METRICS,
    defaultBaseUrl: "https://discord.com/api/v10",
    requests: (baseUrl) => [
      {
        url: `${baseUrl}/invites/${code}?with_counts=true`,
        paths: { members: "approximate_member_count", online: "approximate_presence_count" },
      },
    ],
    hint: (status) => (status === 404 ? `invite ${code} is unknown or has expired` : undefined),
  });
}
