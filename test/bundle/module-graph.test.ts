import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { chunkOf, inputsOf, readBundleMeta, staticClosure, type BundleMeta } from "../helpers/bundle-graph.js";
import { bundled } from "../helpers/built.js";
import { startServer, type TestServer } from "../helpers/server.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

/** What a daily run with html sources must never load: code and packages of other destinations, sources and jobs. */
const NOT_ON_A_DAILY_RUN: [string, RegExp][] = [
  ["the Notion client", /node_modules\/@notionhq\/client\//],
  // Its options schema (and the database id it checks) are part of the config's schema; the rest is the destination.
  ["the Notion destination", /^src\/destinations\/notion\/(?!options\.ts$|database-id\.ts$)/],
  ["tough-cookie (login)", /node_modules\/tough-cookie\//],
  // format.ts is the number formatting the console table shares with the report; report-name.ts, the
  // config schema's rule for a report destination's name; north-star-days.ts, how far derived metrics read back.
  ["the report modules", /^src\/report\/(?!format\.ts$|report-name\.ts$|north-star-days\.ts$)/],
  // The Discord and Slack destinations themselves and their options load; their channels, rendering and delivery do not.
  ["the report delivery and rendering", /^src\/destinations\/(discord|slack)\/(?!options\.ts$|destination\.ts$)|^src\/destinations\/report-command\.ts$/],
  ["the chart modules", /^src\/report\/chart\/|node_modules\/(echarts|@resvg\/resvg-js|dejavu-fonts-ttf)\//],
  ["the presets' client libraries", /node_modules\/(stripe|google-auth-library)\//],
  // `import { z } from "zod"` anywhere brings all of zod, locales included (ESLint forbids it).
  ["zod's other locales", /node_modules\/zod\/v4\/locales\/(?!en\.js$)/],
];

function forbidden(inputs: Iterable<string>): string[] {
  return [...new Set(inputs)].flatMap((input) => NOT_ON_A_DAILY_RUN.filter(([, pattern]) => pattern.test(input)).map(([what]) => `${what}: ${input}`));
}

// The hooks module runs in its own thread: it appends every URL node loads to $KPI_LOADED.
const HOOKS = `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  appendFileSync(process.env.KPI_LOADED, url + "\\n");
  return next(url, context);
}`;
// Loaded with --import before the CLI: registers the hooks, and records what require() loads (the
// hooks see ES modules only), as file URLs in the same list, and at exit Node's built-in modules (node:…).
const REGISTER = (hooks: string) => `import Module, { register } from "node:module";
import { appendFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
register(${JSON.stringify(pathToFileURL(hooks).href)});
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (!Module.isBuiltin(request)) try {
    appendFileSync(process.env.KPI_LOADED, pathToFileURL(Module._resolveFilename(request, parent, isMain)).href + "\\n");
  } catch {}
  return load.apply(this, arguments);
};
process.on("exit", () => {
  const builtins = process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => "node:" + m.slice(13));
  appendFileSync(process.env.KPI_LOADED, builtins.join("\\n") + "\\n");
});`;

let meta: BundleMeta;
let dir: string;
let site: TestServer;
let discord: FakeDiscord;
beforeAll(async () => {
  meta = readBundleMeta(bundled(""));
  dir = await mkdtemp(join(tmpdir(), "kpi-graph-"));
  await writeFile(join(dir, "hooks.mjs"), HOOKS);
  await writeFile(join(dir, "register.mjs"), REGISTER(join(dir, "hooks.mjs")));
  site = await startServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end('<p class="signups">1,234</p>');
  });
  discord = await startFakeDiscord();
});
afterAll(async () => {
  await Promise.all([site?.close(), discord?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the bundled CLI under the recording hooks; the bundle's inputs in the chunks it loaded, and the other files it loaded. */
async function loadedBy(args: string[]): Promise<{ inputs: string[]; files: string[]; builtins: string[]; output: string }> {
  const log = join(dir, `loaded-${args.join("-").replace(/\W+/g, "_")}.txt`);
  await writeFile(log, "");
  const config = join(dir, "kpi.config.yaml");
  await writeFile(
    config,
    `sources:
  - name: page
    type: html
    url: ${site.url}/
    metrics:
      SIGNUPS: { selector: ".signups" }
destinations:
  - type: console
  - type: file
    path: ${join(dir, "history.csv")}
  - type: discord
    webhookUrl: \${DISCORD_WEBHOOK_URL}
`,
  );
  const env = { PATH: process.env.PATH ?? "", KPI_LOADED: log, DISCORD_WEBHOOK_URL: discord.webhookUrl };
  const { stdout, stderr } = await run(
    process.execPath,
    ["--import", pathToFileURL(join(dir, "register.mjs")).href, bundled("kpi-collector.js"), "run", "--config", config, ...args],
    { env, cwd: dir },
  );
  const lines = (await readFile(log, "utf8")).split("\n");
  const files = lines.filter((url) => url.startsWith("file:")).map((url) => relative(ROOT, fileURLToPath(url)));
  const chunks = files.filter((file) => file in meta.outputs);
  return { inputs: inputsOf(meta, chunks), files, builtins: lines.filter((line) => line.startsWith("node:")), output: stdout + stderr };
}

describe("the bundle's module graph", () => {
  it("the chunks a daily html run can reach hold none of the Notion client, tough-cookie, the report or the chart", () => {
    const reachable = [
      "src/cli/bin.ts",
      "src/config/load.ts",
      "src/build.ts",
      "src/destinations/console.ts",
      "src/destinations/file.ts",
      "src/destinations/discord/destination.ts",
      "node_modules/cheerio/dist/esm/slim.js",
    ]
      .map((source) => chunkOf(meta, source))
      .flatMap((chunk) => [...staticClosure(meta, chunk)]);
    const inputs = inputsOf(meta, reachable);
    expect(inputs).toContain("src/sources/html.ts");
    expect(forbidden(inputs)).toEqual([]);
  });

  it("lazily imported code gets chunks of its own, outside what the CLI and the function's entry load at start", () => {
    const atStart = new Set([...staticClosure(meta, chunkOf(meta, "src/cli/bin.ts")), ...staticClosure(meta, chunkOf(meta, "src/function/entry.ts"))]);
    const lazy = [
      "src/destinations/notion/index.ts",
      "src/destinations/discord/deliver.ts",
      "node_modules/tough-cookie/dist/index.js",
      "node_modules/cheerio/dist/esm/slim.js",
      "src/cli/report.ts",
    ];
    for (const source of lazy) expect({ source, atStart: atStart.has(chunkOf(meta, source)) }).toEqual({ source, atStart: false });
    expect(forbidden(inputsOf(meta, atStart))).toEqual([]);
  });

  it("a real daily run (html source; console, file and Discord destinations) loads none of them", async () => {
    const { inputs, files, builtins, output } = await loadedBy(["--job", "daily"]);
    expect(output).toMatch(/SIGNUPS +1,234/);
    // The recording works: it saw the html source and cheerio, which this run needs.
    expect(inputs).toEqual(expect.arrayContaining(["src/sources/html.ts", "src/destinations/discord/destination.ts", "node_modules/cheerio/dist/esm/slim.js"]));
    expect(forbidden([...inputs, ...files])).toEqual([]);
    // The html page was parsed by the parse worker's own bundle, found next to the chunk that starts it.
    expect(files).toContain(relative(ROOT, bundled("parse-worker.js")));
    // Every package it uses is in the bundle: nothing is read from node_modules (cheerio's CommonJS copy included).
    expect(files.filter((file) => file.includes("node_modules/"))).toEqual([]);
    expect(discord.messages).toHaveLength(0);
    // got's http2-wrapper stays unevaluated (build/bundle.mjs), so Node's http2 module never loads.
    expect(builtins).toContain("node:http");
    expect(builtins).not.toContain("node:http2");
  });

  it("the weekly report does load the report modules (the same check, seeing them when they are used)", async () => {
    const { inputs } = await loadedBy(["--job", "weekly-report"]);
    expect(inputs).toEqual(
      expect.arrayContaining(["src/report/build-report.ts", "src/destinations/discord/deliver.ts", "src/destinations/discord/channel.ts"]),
    );
    expect(discord.messages.length).toBeGreaterThan(0);
  });
});
