import { afterEach, describe, expect, it } from "@jest/globals";
import { createHtmlSource, htmlSourceSchema, type HtmlSourceOptions } from "../../src/sources/html.js";
import { sendHtml, startServer, type TestServer } from "../helpers/server.js";
import { failureOf, fixture, sourceContext } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => server?.close());

async function serve(pages: Record<string, string | (() => string)>, contentType = "text/html; charset=utf-8"): Promise<TestServer> {
  server = await startServer((req, res) => {
    const page = pages[new URL(req.url ?? "/", "http://x").pathname];
    if (page === undefined) return sendHtml(res, 404, "<h1>Not found</h1>");
    res.writeHead(200, { "content-type": contentType });
    res.end(typeof page === "function" ? page() : page);
  });
  return server;
}

function source(url: string, metrics: HtmlSourceOptions["metrics"], extra: Partial<HtmlSourceOptions> = {}) {
  return createHtmlSource(htmlSourceSchema.parse({ type: "html", name: "blog", url, metrics, ...extra }));
}

describe("html source", () => {
  it.each([
    ["count", { selector: ".post-card", extract: "count" }, 3],
    ["a number with a k suffix (the default extract)", { selector: ".stars" }, 1200],
    ["a number with an M suffix and spaces", { selector: ".downloads", extract: "number" }, 3_400_000],
    ["a percentage", { selector: ".uptime" }, 99.5],
    ["an attribute with a thousands separator", { selector: ".stars", extract: "attribute", attribute: "data-count" }, 1234],
    ["an attribute narrowed by a regex", { selector: "a.next", extract: "attribute", attribute: "href", regex: "page=(\\d+)" }, 7],
    ["the first number of the text", { selector: ".version" }, 2.3],
    ["a regex capture group", { selector: ".version", regex: "(\\d+) days" }, 14],
  ] as const)("extracts %s", async (_, metric, expected) => {
    const { url } = await serve({ "/blog": fixture("blog.html") });
    const metrics = await source(`${url}/blog`, { VALUE: metric }).collect(sourceContext());
    expect(metrics).toEqual({ VALUE: expected });
  });

  it("reads numbers as pages write them, whole, with the source's locale deciding 1,234", async () => {
    const page = [
      ["nbsp", "12\u00a0345"],
      ["spaces", "1 234 567 downloads"],
      ["narrow", "1\u202f234"],
      ["minus", "\u22125"],
      ["comma", "1.234,5"],
      ["percent", "12,5 %"],
      ["exp", "1.5e3"],
      ["words", "1e5 downloads"],
      ["ambiguous", "1,234"],
    ]
      .map(([cls, text]) => `<p class="${cls}">${text}</p>`)
      .join("");
    const { url } = await serve({ "/page": page });
    const metrics = Object.fromEntries(
      ["nbsp", "spaces", "narrow", "minus", "comma", "percent", "exp", "words", "ambiguous"].map((cls) => [cls.toUpperCase(), { selector: `.${cls}` }]),
    );
    const expected = { NBSP: 12345, SPACES: 1234567, NARROW: 1234, MINUS: -5, COMMA: 1234.5, PERCENT: 12.5, EXP: 1500, WORDS: 100000 };
    expect(await source(`${url}/page`, metrics).collect(sourceContext())).toEqual({ ...expected, AMBIGUOUS: 1234 });
    expect(await source(`${url}/page`, metrics, { locale: "de" }).collect(sourceContext())).toEqual({ ...expected, AMBIGUOUS: 1.234 });
  });

  it("reads several metrics from one fetch and declares their names", async () => {
    const { url, requests } = await serve({ "/blog": fixture("blog.html") });
    const blog = source(`${url}/blog`, { POSTS: { selector: ".post-card", extract: "count" }, STARS: { selector: ".stars" } });
    expect(blog.metricNames).toEqual(["POSTS", "STARS"]);
    expect(await blog.collect(sourceContext())).toEqual({ POSTS: 3, STARS: 1200 });
    expect(requests).toHaveLength(1);
  });

  it("fails, never records 0, when the page layout changes", async () => {
    let html = fixture("blog.html");
    const { url } = await serve({ "/blog": () => html });
    const blog = source(`${url}/blog?utm=x`, { POSTS: { selector: ".post-card", extract: "count" } });
    expect(await blog.collect(sourceContext())).toEqual({ POSTS: 3 });

    html = html.replaceAll("post-card", "blog-entry");
    const message = await failureOf(blog, sourceContext());
    expect(message).toBe(`[blog] selector ".post-card" matched nothing on ${url}/blog (has the page layout changed?)`);
  });

  it("refuses to parse a page larger than maxParseBytes: the source fails, not the process", async () => {
    const big = `<p class="n">7</p>${"<div>filler</div>".repeat(20_000)}`;
    const { url } = await serve({ "/big": big });
    const message = await failureOf(source(`${url}/big`, { N: { selector: ".n" } }, { maxParseBytes: 100_000 }), sourceContext());
    expect(message).toMatch(
      /Response larger than 100000 bytes: GET http:\/\/127\.0\.0\.1:\d+\/big; an html source parses at most 100000 bytes \(maxParseBytes\)/,
    );
    expect(await source(`${url}/big`, { N: { selector: ".n" } }).collect(sourceContext())).toEqual({ N: 7 });
  });

  it("records a real 0 for count only with allowEmpty", async () => {
    const { url } = await serve({ "/blog": "<main></main>" });
    const metrics = await source(`${url}/blog`, { OPEN_JOBS: { selector: ".job", extract: "count", allowEmpty: true } }).collect(sourceContext());
    expect(metrics).toEqual({ OPEN_JOBS: 0 });
  });

  it.each([
    ["text without a number", { selector: ".stars" }, '<span class="stars">Stars: many</span>', 'text "Stars: many" at ".stars" holds no number (URL)'],
    [
      "a regex that does not match",
      { selector: ".stars", regex: "(\\d+) stars" },
      '<span class="stars">12 forks</span>',
      'text "12 forks" at ".stars" holds no number matching /(\\d+) stars/ (URL)',
    ],
    [
      "a missing attribute",
      { selector: ".stars", extract: "attribute", attribute: "data-count" },
      '<span class="stars">12</span>',
      'attribute "data-count" is missing on the first match of ".stars" (URL)',
    ],
    [
      "an attribute without a number",
      { selector: "a", extract: "attribute", attribute: "href" },
      '<a href="/about">x</a>',
      'attribute href="/about" at "a" holds no number (URL)',
    ],
    [
      "a version, not one number",
      { selector: ".v" },
      '<b class="v">Release 1.2.3 has 15 stars</b>',
      'text "Release 1.2.3 has 15 stars" at ".v" holds "1.2.3", which is not one number',
    ],
    ["a date, not one number", { selector: ".v" }, '<b class="v">2024-01-05</b>', 'holds "2024-01-05", which is not one number'],
    ["a number too large", { selector: ".v" }, '<b class="v">1e309 views</b>', 'text "1e309 views" at ".v" holds "1e309", which is not a finite number (URL)'],
    [
      "hex in an attribute",
      { selector: "a", extract: "attribute", attribute: "data-n" },
      '<a data-n="0x10">x</a>',
      'attribute data-n="0x10" at "a" holds "0x10", which is not one number',
    ],
  ] as const)("fails on %s, naming the selector and the URL", async (_, metric, html, expected) => {
    const { url } = await serve({ "/page": html });
    const message = await failureOf(source(`${url}/page`, { VALUE: metric }), sourceContext());
    expect(message).toContain(expected.replace("URL", `${url}/page`));
  });

  it("refuses an invalid selector when the options are read, before any request", () => {
    expect(() => source("http://127.0.0.1:9/page", { VALUE: { selector: "span[" } })).toThrow(
      /is not a valid CSS selector: Expected name, found the end of the selector/,
    );
  });

  it("fails with the status and the URL without its query when the page is gone", async () => {
    const { url } = await serve({});
    const message = await failureOf(source(`${url}/blog?key=s3cr3t-key`, { POSTS: { selector: "p" } }), sourceContext(), ["s3cr3t-key"]);
    expect(message).toBe(`[blog] Request failed with status code 404: GET ${url}/blog`);
  });

  it("sends headers and basic auth, and keeps the password out of messages", async () => {
    server = await startServer((req, res) => {
      const ok = req.headers.authorization === `Basic ${Buffer.from("ann:hunter2-pass").toString("base64")}` && req.headers["x-team"] === "growth";
      sendHtml(res, ok ? 200 : 401, ok ? "<b>42</b>" : "denied");
    });
    const options = { headers: { "x-team": "growth" }, basicAuth: { username: "ann", password: "hunter2-pass" } };
    expect(await source(`${server.url}/`, { VALUE: { selector: "b" } }, options).collect(sourceContext())).toEqual({ VALUE: 42 });

    const wrong = source(`${server.url}/`, { VALUE: { selector: "b" } }, { basicAuth: { username: "ann", password: "wrong-pass" } });
    const context = sourceContext();
    expect(await failureOf(wrong, context, ["wrong-pass"])).toContain("status code 401");
    expect(context.secrets.list()).toContain("wrong-pass");
  });

  describe("feeds (xml: true)", () => {
    it.each([
      ["RSS items (markup inside CDATA is not counted)", "feed-rss.xml", { selector: "item", extract: "count" }, 3],
      ["Atom entries", "feed-atom.xml", { selector: "entry", extract: "count" }, 2],
      ["an RSS enclosure attribute", "feed-rss.xml", { selector: "item enclosure", extract: "attribute", attribute: "length" }, 123],
    ] as const)("reads %s", async (_, file, metric, expected) => {
      const { url } = await serve({ "/feed": fixture(file) }, "application/xml");
      const metrics = await source(`${url}/feed`, { VALUE: metric }, { xml: true }).collect(sourceContext());
      expect(metrics).toEqual({ VALUE: expected });
    });
  });
});
