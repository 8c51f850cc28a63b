import { readFile } from "node:fs/promises";
import { describe, expect, it } from "@jest/globals";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { loadConfig } from "../../src/config/load.js";
import { PLACEHOLDER_DATABASE_ID } from "../../src/config/placeholders.js";
import { configJsonSchema } from "../../src/config/schema.js";
import { ConfigError } from "../../src/errors.js";

/**
 * `kpi-collector schema` is what editors check the config with. A standard validator (Ajv, draft
 * 2020-12, strict) over it must agree with `validate` on every config below, except the checks
 * JSON Schema cannot express, each listed by name.
 */
const ajv = new Ajv2020({ strict: true, allErrors: true });
const schemaAccepts = ajv.compile(configJsonSchema());

const env = {
  SITE: "https://example.com",
  NOTION_TOKEN: "ntn_secret",
  DISCORD_WEBHOOK_URL: "https://discord.com/api/webhooks/1/tok",
  DB: "89abcdef0123456789abcdef01234567",
  SOURCE_NAME: "blog",
};

function validateAccepts(yaml: string): boolean {
  try {
    loadConfig(yaml, env);
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
}

const html = (metric: string, extra = "") =>
  `sources:\n  - { name: blog, type: html, url: "https://example.com/blog"${extra}, metrics: { POSTS: ${metric} } }\n`;
const json = (extra: string) => `sources:\n  - { name: api, type: json, url: "https://example.com/api", metrics: { USERS: { path: data.users } }${extra} }\n`;
const to = (destination: string) => `${html("{ selector: article, extract: count }")}destinations:\n  - ${destination}\n`;

const good: Record<string, string> = {
  "an html count": html("{ selector: article, extract: count }"),
  "a ${VAR} in a URL": `sources:\n  - { name: blog, type: html, url: "\${SITE}/blog", metrics: { POSTS: { selector: article, extract: count } } }\n`,
  "a ${VAR} in a pattern-checked name": `sources:\n  - { name: "\${SOURCE_NAME}", type: html, url: "https://example.com/", metrics: { POSTS: { selector: a } } }\n`,
  "extract: attribute with its attribute": html("{ selector: .stars, extract: attribute, attribute: data-count }"),
  "allowEmpty with count": html("{ selector: article, extract: count, allowEmpty: true }"),
  "allowEmpty: false without count": html("{ selector: .n, allowEmpty: false }"),
  "a regex with the default extract": html('{ selector: .n, regex: "([0-9]+) posts" }'),
  "a form login": html(
    "{ selector: .n }",
    ', login: { url: "https://example.com/login", form: "form#login", fields: { email: me, password: "${NOTION_TOKEN}" }, check: ".logout" }',
  ),
  "a json source with a POST body": json(", method: POST, body: { q: 1 }"),
  "a preset": `sources:\n  - { name: gh, type: github, repo: acme/widget }\n`,
  "a discord webhook from the environment": to('{ type: discord, webhookUrl: "${DISCORD_WEBHOOK_URL}", username: KPI bot }'),
  "a discord webhook URL (v10 form)": to('{ type: discord, webhookUrl: "https://discord.com/api/v10/webhooks/123/abc-DEF" }'),
  "a slack incoming webhook URL": to('{ type: slack, webhookUrl: "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/s3cr3t" }'),
  "a notion database id": to(`{ type: notion, token: "\${NOTION_TOKEN}", database: "89abcdef0123456789abcdef01234567" }`),
  "a notion database id, dashed": to(`{ type: notion, token: "\${NOTION_TOKEN}", database: "89abcdef-0123-4567-89ab-cdef01234567" }`),
  "a notion database URL": to(
    `{ type: notion, token: "\${NOTION_TOKEN}", database: "https://www.notion.so/acme/KPIs-89abcdef0123456789abcdef01234567?v=abc" }`,
  ),
  "a notion database from the environment": to(`{ type: notion, token: "\${NOTION_TOKEN}", database: "\${DB}", baseUrl: "http://127.0.0.1:9" }`),
  "a file and the console": `${html("{ selector: a }")}destinations:\n  - { type: file, path: out.csv }\n  - { type: console, jobs: [daily] }\n`,
};

const bad: Record<string, string> = {
  "extract: attribute without attribute": html("{ selector: .stars, extract: attribute }"),
  "attribute without extract: attribute": html("{ selector: .stars, attribute: data-count }"),
  "count with regex": html('{ selector: article, extract: count, regex: "x" }'),
  "allowEmpty without count": html("{ selector: .n, allowEmpty: true }"),
  "a URL that is not one": html("{ selector: a }", ", url2: 1").replace('"https://example.com/blog", url2: 1', '"not a url"'),
  "an ftp URL": html("{ selector: a }").replace("https://example.com/blog", "ftp://example.com/"),
  "a webhook URL that is no webhook": to('{ type: discord, webhookUrl: "https://example.com/hook" }'),
  "a slack URL that is no incoming webhook": to('{ type: slack, webhookUrl: "https://hooks.slack.com/workflows/T0123ABCD/A01/123/s3cr3t" }'),
  "a username containing discord": to('{ type: discord, webhookUrl: "${DISCORD_WEBHOOK_URL}", username: "My Discord bot" }'),
  "a username containing clyde": to('{ type: discord, webhookUrl: "${DISCORD_WEBHOOK_URL}", username: CLYDE }'),
  "no metrics": `sources:\n  - { name: blog, type: html, url: "https://example.com/", metrics: {} }\n`,
  "login.check on a json source": json(', login: { url: "https://example.com/login", form: form, fields: { user: me }, check: .x }'),
  "a login without fields": html("{ selector: a }", ', login: { url: "https://example.com/login", form: form, fields: {} }'),
  "a notion database that is no id": to(`{ type: notion, token: "\${NOTION_TOKEN}", database: "my database" }`),
  "an unknown key": html("{ selector: a, selectr: b }"),
  "an unknown source type": `sources:\n  - { name: x, type: rss }\n`,
  "a metric name starting with a digit": `sources:\n  - { name: blog, type: html, url: "https://example.com/", metrics: { 1POSTS: { selector: a } } }\n`,
  "no sources": `destinations:\n  - type: console\n`,
  "concurrency 0": `concurrency: 0\n${html("{ selector: a }")}`,
  "a currency that is no code": to('{ type: discord, webhookUrl: "${DISCORD_WEBHOOK_URL}", currency: dollars }'),
};

/** What only `validate` sees: the schema accepts these, `validate` refuses them. */
const semantic: Record<string, string> = {
  "duplicate source names": `sources:\n  - { name: a, type: html, url: "https://example.com/", metrics: { X: { selector: a } } }\n  - { name: a, type: html, url: "https://example.com/", metrics: { Y: { selector: a } } }\n`,
  "northStar that no source produces": `northStar: NOPE\n${html("{ selector: a }")}`,
  "a time zone that does not exist": `timezone: Mars/Olympus\n${html("{ selector: a }")}`,
  "a CSS selector cheerio cannot parse": html('{ selector: "span[" }'),
  "a regex the engine refuses": html('{ selector: a, regex: "(" }'),
  "a JSON path that does not parse": json("").replace("data.users", '"data..users"'),
  "the starter's placeholder database id": to(`{ type: notion, token: "\${NOTION_TOKEN}", database: "${PLACEHOLDER_DATABASE_ID}" }`),
  "a history that names no destination": `history: nowhere\n${to("{ type: file }")}`,
  "a variable that is not set": `sources:\n  - { name: blog, type: html, url: "\${UNSET_SITE}/blog", metrics: { POSTS: { selector: a } } }\n`,
};

describe("kpi-collector schema agrees with validate (Ajv, draft 2020-12, strict)", () => {
  it.each(Object.entries(good))("both accept %s", (_, yaml) => {
    expect({ validate: validateAccepts(yaml), schema: schemaAccepts(parse(yaml)), errors: schemaAccepts.errors ?? null }).toEqual({
      validate: true,
      schema: true,
      errors: null,
    });
  });

  it.each(Object.entries(bad))("both refuse %s", (_, yaml) => {
    expect({ validate: validateAccepts(yaml), schema: schemaAccepts(parse(yaml)) }).toEqual({ validate: false, schema: false });
  });

  it.each(Object.entries(semantic))("only validate refuses %s (a check JSON Schema cannot express)", (_, yaml) => {
    expect({ validate: validateAccepts(yaml), schema: schemaAccepts(parse(yaml)) }).toEqual({ validate: false, schema: true });
  });

  it("accepts the shipped configs", async () => {
    for (const file of ["kpi.config.yaml", "kpi.local.yaml"]) {
      const text = (await readFile(new URL(`../../${file}`, import.meta.url), "utf8")).replace(PLACEHOLDER_DATABASE_ID, env.DB);
      expect({ file, validate: validateAccepts(text), schema: schemaAccepts(parse(text)) }).toEqual({ file, validate: true, schema: true });
    }
  });
});
