import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { PERFORMANCE_DOC, readResults, renderFigures, withFigures } from "../../bench/performance-doc.js";

describe("docs/performance.md", () => {
  it("shows exactly the figures of bench/results.json (npm run docs:performance regenerates them)", async () => {
    const results = await readResults();
    const doc = readFileSync(PERFORMANCE_DOC, "utf8");
    expect(doc).toContain(renderFigures(results));
    for (const figure of results.figures) expect(doc).toContain(figure.name.replace(/\|/g, "\\|"));
  });

  it("replaces only the generated block and keeps the prose around it", async () => {
    const results = await readResults();
    const doc = readFileSync(PERFORMANCE_DOC, "utf8");
    const stale = doc.replace(/\| fan-in \|[^\n]*/, "| fan-in | a stale row |");
    expect(stale).not.toBe(doc);
    expect(withFigures(stale, results)).toBe(doc);
    expect(() => withFigures("# Performance\n", results)).toThrow(/no <!-- figures:start/);
  });
});
