import { beforeAll, describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { convertFiles } from "@cdktf/hcl2json";

const ROOT = join(import.meta.dirname, "..", "..");
const GCLOUDIGNORE = readFileSync(join(ROOT, ".gcloudignore"), "utf8");

/** The same transformation as `local.source_excludes` in terraform/function.tf. */
const patterns = GCLOUDIGNORE.split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
const excludes = patterns.map((p) => p.replace(/^\//, ""));

/** Glob with doublestar, as the archive provider matches `excludes` against root-relative paths. */
function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith("**/", i)) {
      out += "(?:.*/)?";
      i += 2;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}
const matchers = excludes.map(globToRegExp);

/** A matched directory is skipped whole, so a path is out when it or any parent matches. */
function excluded(path: string): boolean {
  const parts = path.split("/");
  return parts.some((_, i) => matchers.some((m) => m.test(parts.slice(0, i + 1).join("/"))));
}

/** The files the zip would hold, walking the repository as the provider does. */
function uploaded(dir = ""): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (excluded(path)) return [];
    return entry.isDirectory() ? uploaded(path) : [path];
  });
}

let tf: Record<string, any>;
beforeAll(async () => {
  tf = await convertFiles(join(ROOT, "terraform"));
});

describe("function source upload", () => {
  it("archive_file.excludes is read from .gcloudignore, so one list drives both", () => {
    const archive = tf.data.archive_file.source[0];
    expect(archive.source_dir).toBe("${path.module}/..");
    expect(archive.excludes).toBe("${local.source_excludes}");
    const locals = Object.assign({}, ...(tf.locals as Record<string, unknown>[]));
    const expr = String(locals.source_excludes);
    expect(expr).toContain('file("${path.module}/../.gcloudignore")');
    expect(expr).toContain('trimprefix(trimspace(line), "/")');
    expect(expr).toContain('!startswith(trimspace(line), "#")');
  });

  it("uses only patterns that mean the same to gcloud (gitignore syntax) and to the archive globs", () => {
    for (const p of patterns) {
      expect({ p, anchored: p.startsWith("/") || p.startsWith("**/") }).toEqual({ p, anchored: true });
      expect(p).not.toMatch(/^!|\/$|\\|^#!include/);
    }
  });

  it("uploads what the Cloud build needs", () => {
    const files = uploaded();
    // build/bundle.mjs: Cloud Build's `gcp-build` bundles src/ into dist/bundle/ (package.json `main`).
    for (const needed of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "build/bundle.mjs",
      "src/function/entry.ts",
      "src/lib.ts",
      "src/types.ts",
    ]) {
      expect(files).toContain(needed);
    }
    for (const tsconfig of readdirSync(ROOT).filter((f) => /^tsconfig.*\.json$/.test(f))) expect(files).toContain(tsconfig);
    expect(excluded("kpi.config.yaml")).toBe(false);
    expect(files).toContain("kpi.config.yaml");
  });

  it("leaves out dependencies, build output, tests, infrastructure and local state", () => {
    const files = uploaded();
    for (const dir of ["node_modules", "dist", ".test-dist", "test", "terraform", "bench", ".kpi", ".git", "docs", "coverage", ".ci"]) {
      expect({ dir, excluded: excluded(`${dir}/x`) }).toEqual({ dir, excluded: true });
      expect(files.filter((f) => f.startsWith(`${dir}/`))).toEqual([]);
    }
    expect(excluded(".env")).toBe(true);
    expect(excluded("src/debug.log")).toBe(true);
    expect(excluded("src/function/entry.ts")).toBe(false);
  });

  it("writes the zip inside an excluded directory, so it never archives itself", () => {
    const output = String(tf.data.archive_file.source[0].output_path);
    expect(output.startsWith("${path.module}/")).toBe(true);
    expect(excluded(output.replace("${path.module}/", "terraform/"))).toBe(true);
  });
});
