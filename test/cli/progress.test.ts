import { describe, expect, it } from "@jest/globals";
import { terminalProgress } from "../../src/cli/progress.js";
import { FakeTerminal } from "./fake-terminal.js";

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
    // The reason is printed once when the run ends, not in the live display.
    expect(last).toMatch(/✗.*dashboard\s+0\.2 s {2}failed\n/);
    expect(screen).not.toContain("login failed");
    expect(last).toMatch(/github\s+waiting/);
  });

  it("keeps each line to one row, cutting a long name rather than the status, and stops for good", () => {
    const terminal = new FakeTerminal(60);
    const long = "a-source-name-that-is-far-too-long-for-sixty-columns\nreally";
    const progress = terminalProgress(terminal, ["blog", long, "api"]);
    progress.onProgress({ type: "source-done", source: "blog", durationMs: 100, metrics: 2 });
    progress.onProgress({ type: "source-done", source: long, durationMs: 100, metrics: 12 });
    progress.onProgress({ type: "source-failed", source: "api", durationMs: 100, error: "line one\nline two \x1b[31mred\x1b[0m" });
    progress.stop();
    terminal.write("TABLE\n");
    progress.onProgress({ type: "source-failed", source: "blog", durationMs: 100, error: "late" });
    progress.stop();
    const [blog, cut, api, ...rest] = terminal.screen();
    // 59 of the 60 columns at most; the status ("12 metrics", "failed") always whole.
    expect(cut).toBe("  ✓ a-source-name-that-is-far-too-long…   0.1 s  12 metrics");
    expect(Array.from(cut!).length).toBeLessThanOrEqual(59);
    expect(blog).toMatch(/^ {2}✓ blog +0\.1 s {2}2 metrics$/);
    expect(api).toMatch(/^ {2}✗ api +0\.1 s {2}failed$/);
    expect(terminal.writes.join("")).not.toContain("\x1b[31mred");
    expect(rest).toEqual(["TABLE", ""]);
  });
});
