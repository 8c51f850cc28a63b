import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { sharedParsePool } from "../../src/sources/parse-pool.js";
import { mayHoldSelector, warmParserFor } from "../../src/sources/warm-parser.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpi-warm-"));
});
afterEach(() => sharedParsePool().close());
afterAll(() => rm(dir, { recursive: true, force: true }));

async function configFile(text: string): Promise<string> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(path, text);
  return path;
}

describe("warming the parse pool before a run", () => {
  it("a config with an html source starts the shared pool's worker", async () => {
    await warmParserFor(await configFile('sources:\n  - name: p\n    type: html\n    url: https://example.com\n    metrics:\n      N: { selector: ".n" }\n'));
    expect(sharedParsePool().threads).toBe(1);
  });

  it("a config with only json sources, or a file that can't be read, starts none", async () => {
    await warmParserFor(await configFile("sources:\n  - name: p\n    type: json\n    url: https://example.com\n    metrics:\n      N: { path: n }\n"));
    await warmParserFor(join(dir, "missing.yaml"));
    expect(sharedParsePool().threads).toBe(0);
  });

  it("reads as a selector what a run parses pages for: an html metric's selector, a login's form and check", () => {
    expect(["selector: .n", "form: form#login", "check: .account", '{ "selector" : ".n" }'].map((t) => mayHoldSelector(t.replaceAll('"', "")))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(["path: data.n", "type: github", "selectors: x", "preselector: x"].map(mayHoldSelector)).toEqual([false, false, false, false]);
  });
});
