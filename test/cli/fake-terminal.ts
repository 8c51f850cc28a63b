/**
 * A terminal for tests: a writable stream that says it is a TTY and renders what it receives
 * the way xterm does for the few sequences the CLI uses (cursor up, clear line, colours),
 * with auto-wrap at `columns` (the cursor waits at the margin until the next character).
 */
export class FakeTerminal {
  readonly isTTY = true;
  readonly columns: number;
  /** Everything written, in order. */
  readonly writes: string[] = [];
  private readonly rows: string[][] = [[]];
  private row = 0;
  private col = 0;

  constructor(columns = 80) {
    this.columns = columns;
  }

  write = (text: string): boolean => {
    this.writes.push(text);
    const pattern = /\x1b\[(\d*)([A-Za-z])|([\s\S])/g;
    for (const [, count, command, char] of text.matchAll(pattern)) {
      if (command === "A") this.row = Math.max(0, this.row - Number(count || 1));
      else if (command === "K") this.line().length = 0;
      else if (command !== undefined)
        continue; // colours and other attributes draw nothing
      else if (char === "\n") this.moveTo(this.row + 1);
      else if (char === "\r") this.col = 0;
      else if (char !== undefined) this.print(char);
    }
    return true;
  };

  /** The screen as text, one string a row, trailing blanks trimmed. */
  screen(): string[] {
    return this.rows.map((cells) =>
      Array.from(cells, (c) => c ?? " ")
        .join("")
        .trimEnd(),
    );
  }

  private print(char: string): void {
    if (this.col >= this.columns) this.moveTo(this.row + 1);
    this.line()[this.col++] = char;
  }

  private moveTo(row: number): void {
    this.row = row;
    this.col = 0;
    this.line();
  }

  private line(): string[] {
    while (this.rows.length <= this.row) this.rows.push([]);
    return this.rows[this.row] as string[];
  }
}
