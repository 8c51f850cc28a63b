import type { ProgressEvent } from "../pipeline.js";
import { printableLine } from "../printable.js";

type State = { status: "running" | "done" | "failed"; started: number; durationMs?: number; detail?: string };

/** What the progress display needs of a terminal stream. */
export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

export interface TerminalProgress {
  onProgress: (event: ProgressEvent) => void;
  /** Leaves the final state on screen and stops redrawing; later calls do nothing. */
  stop: () => void;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const COLOURS: Record<string, string> = { "✓": "\x1b[32m", "✗": "\x1b[31m" };

/**
 * Live per-source progress for a terminal: one line per source, redrawn in place.
 * Stop it before printing anything else to the terminal, or the next redraw moves up over it.
 */
export function terminalProgress(stream: ProgressStream, sourceNames: readonly string[]): TerminalProgress {
  const states = new Map<string, State>();
  const width = Math.max(8, ...sourceNames.map((n) => n.length));
  let drawn = 0;
  let frame = 0;
  let stopped = false;

  // Each line must fit in one row (a wrapped line would throw off the cursor-up count): the name is cut, never the status.
  const line = (name: string, max: number): string => {
    const state = states.get(name);
    const mark = !state ? "·" : state.status === "running" ? SPINNER[frame % SPINNER.length]! : state.status === "done" ? "✓" : "✗";
    const status = !state
      ? " waiting"
      : `${(((state.durationMs ?? Date.now() - state.started) / 1000).toFixed(1) + " s").padStart(7)}  ${state.status === "running" ? "running" : state.detail}`;
    const room = max - 4 - 1 - Array.from(status).length;
    return fit(`  ${mark} ${fit(name, Math.min(width, room)).padEnd(Math.min(width, Math.max(0, room)))} ${status}`, max);
  };
  const draw = () => {
    const lines = sourceNames.map((name) => colour(line(name, (stream.columns || 120) - 1)));
    if (drawn) stream.write(`\x1b[${drawn}A`);
    stream.write(lines.map((text) => `\x1b[2K${text}\n`).join(""));
    drawn = lines.length;
  };
  const timer = setInterval(() => {
    frame++;
    draw();
  }, 100);
  timer.unref();

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    if (drawn || states.size) draw();
  };
  return {
    onProgress(event) {
      if (stopped || !sourceNames.includes("source" in event ? event.source : "")) return;
      if (event.type === "source-start") states.set(event.source, { status: "running", started: Date.now() });
      else if (event.type === "source-done")
        states.set(event.source, {
          status: "done",
          started: 0,
          durationMs: event.durationMs,
          detail: `${event.metrics} metric${event.metrics === 1 ? "" : "s"}`,
        });
      // The reason is printed once, in full, when the run ends (the table's failure list or a warning).
      else if (event.type === "source-failed") states.set(event.source, { status: "failed", started: 0, durationMs: event.durationMs, detail: "failed" });
      draw();
    },
    stop,
  };
}

/** One row of at most `max` visible characters, control characters (newlines, escapes) shown escaped. */
function fit(text: string, max: number): string {
  const chars = Array.from(printableLine(text));
  return chars.length <= max ? chars.join("") : chars.slice(0, Math.max(0, max - 1)).join("") + "…";
}

/** Colours the status mark after the line was cut to its visible width. */
function colour(line: string): string {
  const mark = line.charAt(2);
  const code = COLOURS[mark];
  return code ? `${line.slice(0, 2)}${code}${mark}\x1b[0m${line.slice(3)}` : line;
}
