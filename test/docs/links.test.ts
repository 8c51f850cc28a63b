import { describe, expect, it } from "@jest/globals";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { anchors, relativeLinks, slug } from "./markdown.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function markdownFiles(): string[] {
  const docs = join(ROOT, "docs");
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith(".md") ? [path] : [];
    });
  return [join(ROOT, "README.md"), ...walk(docs)];
}

/** `file:line: target` for every relative link or `#anchor` that does not resolve. */
function brokenLinks(): string[] {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    for (const { line, target } of relativeLinks(readFileSync(file, "utf8"))) {
      const [path = "", anchor] = target.split("#");
      const resolved = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
      const where = `${relative(ROOT, file)}:${line}: ${target}`;
      if (!existsSync(resolved)) broken.push(`${where} (no such file)`);
      else if (anchor !== undefined && !(resolved.endsWith(".md") && anchors(readFileSync(resolved, "utf8")).has(anchor)))
        broken.push(`${where} (no such heading)`);
    }
  }
  return broken;
}

describe("documentation links", () => {
  it("slugs headings the way GitHub does", () => {
    expect(slug("The Cloud Function: run locally, trigger by hand")).toBe("the-cloud-function-run-locally-trigger-by-hand");
    expect(slug("`html`: scrape a web page or a feed")).toBe("html-scrape-a-web-page-or-a-feed");
    expect(slug("3. Create the database: `kpi-collector notion init`")).toBe("3-create-the-database-kpi-collector-notion-init");
    expect([...anchors("# A\n## A\n```\n# not a heading\n```\n")]).toEqual(["a", "a-1"]);
  });

  it("finds a broken link and a broken anchor", () => {
    expect(relativeLinks("see [x](docs/nope.md#a) and [y](https://example.com) and `[z](no.md)`")).toEqual([{ line: 1, target: "docs/nope.md#a" }]);
  });

  it("every relative link and #anchor in README.md and docs/ resolves", () => {
    expect(brokenLinks()).toEqual([]);
  });

  it("README.md stays short: the reference lives in docs/", () => {
    expect(readFileSync(join(ROOT, "README.md")).length).toBeLessThanOrEqual(13_000);
  });
});
