import type { Secrets } from "../log/secrets.js";

/**
 * Whitespace folded and cut to `max` characters, for quoting page text in messages.
 * Pass `secrets` whenever the text came from a server: it is redacted before it is cut,
 * since a secret cut short no longer matches and would pass redaction.
 */
export function snippet(text: string, max = 60, secrets?: Pick<Secrets, "redact">): string {
  const folded = (secrets ? secrets.redact(text) : text).replace(/\s+/g, " ").trim();
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}
