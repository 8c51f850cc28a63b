import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import type { Figure } from "./figures.js";
import { ROOT } from "./paths.js";

/** `local.source_excludes` of terraform/function.tf: .gcloudignore's lines, trimmed, without comments and the leading "/". */
function sourceExcludes(root: string): RegExp[] {
  return readFileSync(join(root, ".gcloudignore"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => globPattern(line.replace(/^\//, "")));
}

/** A doublestar glob over root-relative paths, as the archive provider matches `excludes`. */
function globPattern(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  const source = escaped.replace(/\*\*\/|\*|\?/g, (token) => (token === "**/" ? "(?:.*/)?" : token === "*" ? "[^/]*" : "[^/]"));
  return new RegExp(`^${source}$`);
}

/** The files archive_file.source zips: the repository minus the excludes; a matched directory is skipped whole. */
export function archiveFiles(root = ROOT): string[] {
  const excludes = sourceExcludes(root);
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (excludes.some((e) => e.test(path))) return [];
      return entry.isDirectory() ? walk(path) : [path];
    });
  return walk("");
}

/** Raw bytes, and the size of a deflate zip of them: entries deflated at the default level plus zip headers. */
export function benchDeployArchive(): Figure[] {
  const files = archiveFiles();
  let raw = 0;
  let zipped = 22;
  for (const file of files) {
    const data = readFileSync(join(ROOT, file));
    raw += data.length;
    const name = Buffer.byteLength(file);
    zipped += Math.min(deflateRawSync(data).length, data.length) + 30 + name + 46 + name;
  }
  const detail = { files: files.length, includesConfig: files.includes("kpi.config.yaml"), topLevel: [...new Set(files.map((f) => f.split("/")[0]))].sort() };
  return [
    { bench: "deploy archive", name: `files uploaded (.gcloudignore / archive_file.excludes)`, value: files.length, unit: "files", detail },
    { bench: "deploy archive", name: "uncompressed size", value: raw, unit: "bytes" },
    { bench: "deploy archive", name: "zip size (deflate, as archive_file writes it)", value: zipped, unit: "bytes" },
  ];
}
