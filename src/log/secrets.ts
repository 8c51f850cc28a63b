const MASK = "[redacted]";
/** Values shorter than this are too likely to hit innocent text (`1`, `on`). */
const MIN_SECRET_LENGTH = 4;

/**
 * The single redaction mechanism: every secret the config or a login yields is added here,
 * and every log line, error and failure reason passes through `redact`.
 */
export class Secrets {
  private readonly values = new Set<string>();
  /** The values longest first, so a URL is masked whole before its token part is; rebuilt after `add`. */
  private ordered: string[] | undefined;

  add(...values: (string | undefined)[]): this {
    for (const value of values) {
      if (!value || value.length < MIN_SECRET_LENGTH) continue;
      this.values.add(value);
      // Secrets often travel encoded: in a URL, or in a JSON string.
      this.values.add(encodeURIComponent(value));
      this.values.add(JSON.stringify(value).slice(1, -1));
      this.ordered = undefined;
    }
    return this;
  }

  /** A webhook URL is a secret, and so is its token part on its own. */
  addUrl(url: string | undefined): this {
    if (!url) return this;
    this.add(url);
    try {
      const parsed = new URL(url);
      const last = parsed.pathname.split("/").filter(Boolean).pop();
      this.add(last, parsed.password, parsed.search.slice(1));
    } catch {
      // not a URL: the whole value is already registered
    }
    return this;
  }

  list(): string[] {
    return [...this.values];
  }

  redact(text: string): string {
    let out = text;
    this.ordered ??= [...this.values].sort((a, b) => b.length - a.length);
    for (const value of this.ordered) {
      if (out.includes(value)) out = out.split(value).join(MASK);
    }
    return out;
  }
}
