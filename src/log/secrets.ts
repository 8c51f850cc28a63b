const MASK = "[redacted]";
/**
 * Forms this long or longer are masked wherever they occur, even inside a longer word: a random
 * credential that long does not occur in innocent text by chance. Shorter ones (`1001`, `true`,
 * a 3-letter password) would, so they are masked only where they stand alone.
 */
const WHOLE_TOKEN_BELOW = 8;
/**
 * A quote cut from a longer text (a number token glued inside a word, a snippet) can begin inside a
 * secret or end inside one, where the whole secret no longer matches: that much of it or more is masked too.
 */
const FRAGMENT = 8;
/** `validate` warns about a secret shorter than this: it is easy to guess, and masking it hides innocent words. */
export const WEAK_SECRET_LENGTH = 4;
/**
 * What may not touch a short secret for it to stand alone: letters, digits, `_` and `-`, as in a word
 * or a name such as `x-api-key` or `--dry-run` (a secret `x` would otherwise mask the place a warning names).
 */
const WORD = "[\\p{L}\\p{N}\\p{M}_-]";

/**
 * The single redaction mechanism: every secret the config or a login yields is added here, and
 * every output (log lines, the CLI's streams, errors, failure reasons, Discord posts) passes
 * through `redact` or `redactValue`. See docs/reliability.md, "Secrets".
 */
export class Secrets {
  /** What was added, for `list`. */
  private readonly values = new Set<string>();
  /** Every value in each form it travels in (see `encodedForms`). */
  private readonly forms = new Set<string>();
  /** One pattern for every form, longest first; rebuilt after `add`. */
  private pattern: RegExp | null | undefined;

  add(...values: (string | undefined)[]): this {
    for (const value of values) {
      if (!value || this.values.has(value)) continue;
      this.values.add(value);
      for (const form of encodedForms(value)) this.forms.add(form);
      this.pattern = undefined;
    }
    return this;
  }

  /** Basic auth travels as base64 of `user:password` in the Authorization header: both are secrets. */
  addBasicAuth(username: string, password: string): this {
    return this.add(password, Buffer.from(`${username}:${password}`).toString("base64"));
  }

  /** A URL with a token in it (a webhook) is a secret, and so are its token part, its query and its userinfo. */
  addUrl(url: string | undefined): this {
    if (!url) return this;
    this.add(url);
    try {
      const parsed = new URL(url);
      const last = parsed.pathname.split("/").filter(Boolean).pop();
      this.add(last, parsed.search.slice(1));
      const credentials = urlCredentials(url);
      if (credentials) this.addBasicAuth(credentials.username, credentials.password);
    } catch {
      // not a URL: the whole value is already registered
    }
    return this;
  }

  /** The values added (not their encoded forms), so another registry can take them over. */
  list(): string[] {
    return [...this.values];
  }

  /**
   * `text` with every secret masked; text masked already stays as it is. A text that begins with
   * the end of a secret, or ends with its start (`FRAGMENT` characters or more), is masked there too.
   */
  redact(text: string): string {
    const pattern = this.compiled();
    if (!pattern || !text) return text;
    const masked = text
      .split(MASK)
      .map((part) => part.replace(pattern, MASK))
      .join(MASK);
    return this.maskCutEnds(masked);
  }

  private maskCutEnds(text: string): string {
    let out = text;
    for (const form of this.forms) {
      // A URL's origin and path are not secret; its token part is registered on its own.
      if (form.length <= FRAGMENT || form.includes("://") || out.length < FRAGMENT) continue;
      const head = out.slice(0, FRAGMENT);
      for (let at = form.indexOf(head, 1); at !== -1; at = form.indexOf(head, at + 1)) {
        const rest = form.slice(at);
        if (rest.startsWith(out)) return MASK;
        if (out.startsWith(rest)) {
          out = MASK + out.slice(rest.length);
          break;
        }
      }
      const tail = out.slice(-FRAGMENT);
      for (let at = form.indexOf(tail); at !== -1 && at + FRAGMENT < form.length; at = form.indexOf(tail, at + 1)) {
        const start = form.slice(0, at + FRAGMENT);
        if (out.endsWith(start)) {
          out = out.slice(0, out.length - start.length) + MASK;
          break;
        }
      }
    }
    return out;
  }

  /**
   * A copy of `value` with every string in it redacted, keys included. Numbers, booleans and
   * null are data, not text, and stay as they are, so a structure redacted this way serialises
   * to valid JSON whatever the secrets are (redact before serialising, never after).
   */
  redactValue<T>(value: T): T {
    return this.redactAny(value, new WeakSet()) as T;
  }

  private redactAny(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === "string") return this.redact(value);
    if (!value || typeof value !== "object") return value;
    if (seen.has(value)) return "[circular]";
    seen.add(value);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return this.redactAny(toJSON.call(value), seen);
    if (Array.isArray(value)) return value.map((item) => this.redactAny(item, seen));
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.redact(key), this.redactAny(item, seen)]));
  }

  private compiled(): RegExp | null {
    if (this.pattern !== undefined) return this.pattern;
    const forms = [...this.forms].sort((a, b) => b.length - a.length);
    const alternatives = forms.map((form) => {
      const escaped = form.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
      return form.length >= WHOLE_TOKEN_BELOW ? escaped : `(?<!${WORD})${escaped}(?!${WORD})`;
    });
    this.pattern = alternatives.length ? new RegExp(alternatives.join("|"), "gu") : null;
    return this.pattern;
  }
}

/**
 * The ways a value reaches a request or a message, and comes back in a server's echo: as is, URL-
 * or form-encoded (percent escapes in either case), JSON-escaped (also with PHP's `\/`), HTML-escaped.
 */
function encodedForms(value: string): Set<string> {
  const urlForms = [encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)];
  const json = JSON.stringify(value).slice(1, -1);
  const html = value.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
  return new Set([
    value,
    ...urlForms,
    ...urlForms.map((form) => form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())),
    json,
    json.replace(/\//g, "\\/"),
    html,
  ]);
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** The `user:password` of a URL (`https://kpi:pw@host/`), decoded, as it is sent: basic auth. */
export function urlCredentials(text: string): { username: string; password: string } | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(text)) return undefined;
  try {
    const url = new URL(text);
    return url.password ? { username: decode(url.username), password: decode(url.password) } : undefined;
  } catch {
    return undefined;
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
