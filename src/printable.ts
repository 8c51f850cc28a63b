/**
 * Text for a person's terminal. Server text quoted in a message could otherwise clear the
 * screen (`\u001b[2J`), retitle the window (OSC) or hide text (bidi overrides): every control
 * character is shown as an escape instead, C1 controls included (`\u009b` is CSI on some terminals).
 */

// C0 but tab and newline, DEL, C1, and the bidi embeddings, overrides and isolates.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string) => (c === "\r" ? "\\r" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Lines of text made safe to print: newlines and tabs kept, every other control character escaped. */
export function printable(text: string): string {
  return text.replace(CONTROL, escape);
}

/** One line made safe to print: a newline in it is escaped too, so it cannot forge a line of its own. */
export function printableLine(text: string): string {
  return printable(text).replace(/\n/g, "\\n");
}
