const COMPACT = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A URL's last path segment ends in the id, after an optional `Title-` slug. */
const SEGMENT_ID = /(?:^|-)([0-9a-f]{32})$/i;
const NOTION_HOSTS = /(^|\.)(notion\.so|notion\.site|notion\.com)$/i;

/**
 * The dashed, lower-case id of a Notion database or page given as a bare id
 * (`0123…cdef`), a dashed id, or a `notion.so` URL that contains the id.
 * The `?v=` of a URL is a view id, never the database id, so it is ignored.
 * Returns `undefined` for anything else.
 */
export function parseNotionId(input: string): string | undefined {
  const value = input.trim();
  if (DASHED.test(value)) return value.toLowerCase();
  if (COMPACT.test(value)) return dash(value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (!NOTION_HOSTS.test(url.hostname)) return undefined;
  const last = url.pathname.split("/").filter(Boolean).pop() ?? "";
  const match = SEGMENT_ID.exec(last) ?? SEGMENT_ID.exec(last.replace(/-/g, "").slice(-32));
  return match?.[1] ? dash(match[1]) : undefined;
}

function dash(compact: string): string {
  const c = compact.toLowerCase();
  return `${c.slice(0, 8)}-${c.slice(8, 12)}-${c.slice(12, 16)}-${c.slice(16, 20)}-${c.slice(20)}`;
}
