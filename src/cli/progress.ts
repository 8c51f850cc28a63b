import type { ProgressEvent } from "../pipeline.js";

type State = { status: "running" | "done" | "failed"; started: number; durationMs?: number; detail?: string };

/**
 * Live per-source progress for a terminal: one line per source, redrawn in place.
 * Returns the event handler and a `stop` that leaves the final state on screen.
 */
export function terminalProgress(stream: NodeJS.WriteStream, sourceNames: readonly string[]): { onProgress: (event: ProgressEvent) => void; stop: () => void } {
  const states = new Map<string, State>();
  const width = Math.max(8, ...sourceNames.map((n) => n.length));
  let drawn = 0;
  const spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;

  const draw = () => {
    const lines = sourceNames.map((name) => {
      const state = states.get(name);
      if (!state) return `  · ${name.padEnd(width)}  waiting`;
      const seconds = (((state.durationMs ?? Date.now() - state.started) / 1000).toFixed(1) + " s").padStart(7);
      if (state.status === "running") return `  ${spinner[frame % spinner.length]} ${name.padEnd(width)} ${seconds}  running`;
      if (state.status === "done") return `  \x1b[32m✓\x1b[0m ${name.padEnd(width)} ${seconds}  ${state.detail}`;
      return `  \x1b[31m✗\x1b[0m ${name.padEnd(width)} ${seconds}  ${state.detail}`;
    });
    if (drawn) stream.write(`\x1b[${drawn}A`);
    stream.write(lines.map((line) => `\x1b[2K${line.slice(0, (stream.columns || 120) + 10)}\n`).join(""));
    drawn = lines.length;
  };
  const timer = setInterval(() => {
    frame++;
    draw();
  }, 100);
  timer.unref();

  return {
    onProgress(event) {
      if (event.type === "source-start") states.set(event.source, { status: "running", started: Date.now() });
      else if (event.type === "source-done") states.set(event.source, { status: "done", started: 0, durationMs: event.durationMs, detail: `${event.metrics} metric${event.metrics === 1 ? "" : "s"}` });
      else if (event.type === "source-failed") states.set(event.source, { status: "failed", started: 0, durationMs: event.durationMs, detail: event.error });
      else return;
      draw();
    },
    stop() {
      clearInterval(timer);
      draw();
    },
  };
}
