import { describe, expect, it } from "@jest/globals";
import { terminalProgress } from "../../src/cli/progress.js";

describe("terminal progress", () => {
  it("shows each source waiting, running, done or failed with its time, redrawn in place", () => {
    let screen = "";
    const stream = { write: (text: string) => ((screen += text), true), columns: 100 } as unknown as NodeJS.WriteStream;
    const progress = terminalProgress(stream, ["blog", "dashboard", "github"]);
    progress.onProgress({ type: "source-start", source: "blog" });
    progress.onProgress({ type: "source-start", source: "dashboard" });
    expect(screen).toMatch(/blog\s+\d+\.\d s {2}running/);
    expect(screen).toMatch(/github\s+waiting/);
    progress.onProgress({ type: "source-done", source: "blog", durationMs: 1234, metrics: 1 });
    progress.onProgress({ type: "source-failed", source: "dashboard", durationMs: 200, error: "login failed" });
    progress.stop();
    const last = screen.slice(screen.lastIndexOf("\x1b[3A"));
    expect(last).toMatch(/✓.*blog\s+1\.2 s {2}1 metric\n/);
    expect(last).toMatch(/✗.*dashboard\s+0\.2 s {2}login failed/);
    expect(last).toMatch(/github\s+waiting/);
  });
});
