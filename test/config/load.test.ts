import { configIssues as errorsOf } from "../helpers/config-issues.js";
import { describe, expect, it } from "@jest/globals";
import { loadConfig } from "../../src/config/load.js";
import { configJsonSchema } from "../../src/config/schema.js";

const blog = `  - name: blog
    type: html
    url: https://example.com/blog
    metrics:
      BLOG_POSTS: { selector: article, extract: count }
`;

describe("loadConfig: valid configs", () => {
  it("applies defaults", () => {
    const config = loadConfig(`sources:\n${blog}`, {});
    expect(config).toMatchObject({ timezone: "UTC", concurrency: 8, sourceTimeoutMs: 30000, destinations: [{ type: "console" }] });
  });

  it("replaces ${NAME} from the environment, and $${ stays literal", () => {
    const config = loadConfig(
      `sources:
  - name: api
    type: json
    url: \${API}/stats?q=$\${literal}
    headers: { Authorization: "Bearer \${API_TOKEN}" }
    metrics: { USERS: { path: data.users } }
`,
      { API: "http://127.0.0.1:9", API_TOKEN: "tok_abcdef" },
    );
    expect(config.sources[0]).toMatchObject({ url: "http://127.0.0.1:9/stats?q=${literal}", headers: { Authorization: "Bearer tok_abcdef" } });
    expect(config.secrets.redact("Bearer tok_abcdef")).not.toContain("tok_abcdef");
  });

  it("collects credentials by key name for redaction", () => {
    const config = loadConfig(
      `sources:
  - name: dash
    type: html
    url: https://dash.example.com/
    basicAuth: { username: me, password: "pa55word" }
    login: { url: https://dash.example.com/login, form: form, fields: { email: me@example.com, password: "hunter2!" } }
    metrics: { M: { selector: .m } }
`,
      {},
    );
    const text = config.secrets.redact("pa55word hunter2! me@example.com");
    expect(text).toBe("[redacted] [redacted] me@example.com");
  });
});

describe("loadConfig: invalid configs name the exact place", () => {
  it.each([
    [
      "a missing selector",
      `sources:\n  - name: s\n    type: html\n    url: https://x.test\n    metrics:\n      STARS: { extract: count }\n`,
      "sources[0].metrics.STARS.selector: required",
    ],
    [
      "an unknown source type",
      `sources:\n${blog}  - name: x\n    type: htm\n    url: https://x.test\n`,
      'sources[1].type: unknown type "htm"; use one of html, json, github, npm, pypi, dockerhub, discord-invite',
    ],
    ["a missing type", `sources:\n  - name: x\n`, "sources[0].type: required; use one of html, json, github, npm, pypi, dockerhub, discord-invite"],
    ["an unknown top-level key", `sources:\n${blog}destinatons: []\n`, "destinatons: unknown key; remove it or check its spelling"],
    ["a bad time zone", `timezone: Mars/Olympus\nsources:\n${blog}`, "timezone: not a time zone; use an IANA name such as UTC or Europe/Berlin"],
    ["no sources", `sources: []\n`, "sources: needs at least 1 item(s)"],
    ["a missing sources key", `timezone: UTC\n`, "sources: required"],
    ["a wrong type", `concurrency: many\nsources:\n${blog}`, 'concurrency: expected number, got "many"'],
    [
      "an unknown job",
      `sources:\n${blog}destinations:\n  - type: console\n    jobs: [hourly]\n`,
      'destinations[0].jobs[0]: "hourly" is not allowed; use one of daily, weekly-report',
    ],
    [
      "a duplicate metric",
      `sources:\n${blog}${blog.replace("name: blog", "name: blog2")}`,
      'sources[1].metrics.BLOG_POSTS: source "blog" already produces BLOG_POSTS; rename one of them',
    ],
    [
      "a duplicate source name",
      `sources:\n${blog}${blog.replace("BLOG_POSTS", "OTHER")}`,
      'sources[1].name: "blog" is already the name of sources[0]; source names must be unique',
    ],
    ["an unknown north star", `northStar: USERS\nsources:\n${blog}`, 'northStar: "USERS" is not a metric of any source; use one of BLOG_POSTS'],
    [
      "a duplicate destination",
      `sources:\n${blog}destinations:\n  - type: console\n  - type: console\n`,
      'destinations[1].name: "console" is already used by destinations[0]; give each a distinct name',
    ],
    [
      "a history that is not a store",
      `history: console\nsources:\n${blog}destinations:\n  - type: console\n`,
      'history: destination "console" is a console destination; use a notion or file',
    ],
  ])("%s", (_label, yaml, expected) => {
    expect(errorsOf(yaml).join("\n")).toContain(expected);
  });

  it("names every problem at once", () => {
    const issues = errorsOf(`timezone: Nope\nsources:\n  - name: s\n    type: json\n    metrics: { A: {} }\n`);
    expect(issues).toEqual(
      expect.arrayContaining([
        "timezone: not a time zone; use an IANA name such as UTC or Europe/Berlin",
        "sources[0].url: required",
        "sources[0].metrics.A.path: required",
      ]),
    );
  });

  it("names a missing environment variable and where it is used", () => {
    const issues = errorsOf(`sources:\n  - name: gh\n    type: github\n    repo: a/b\n    token: \${GITHUB_TOKEN}\n`);
    expect(issues).toContain("sources[0].token: environment variable GITHUB_TOKEN is not set (export GITHUB_TOKEN=... before running)");
  });

  it("names an unset variable once, without the schema's complaint about the blank it leaves", () => {
    const issues = errorsOf(
      `sources:\n  - name: s\n    type: html\n    url: \${SITE}\n    metrics: { A: { selector: a } }\ndestinations:\n  - { type: discord, webhookUrl: "\${HOOK}" }\n`,
    );
    expect(issues).toEqual([
      "sources[0].url: environment variable SITE is not set (export SITE=... before running)",
      "destinations[0].webhookUrl: environment variable HOOK is not set (export HOOK=... before running)",
    ]);
  });

  it("checks names across the entries that parse while others don't", () => {
    const broken = `  - name: broken\n    type: html\n    metrics: { NORTH: { selector: a } }\n`;
    const issues = errorsOf(
      `timezone: Nope\nnorthStar: NORTH\nsources:\n${blog}${broken}${blog.replace("name: blog", "name: blog2")}destinations:\n  - type: console\n  - type: console\n  - { type: file, path: "" }\n`,
    );
    expect(issues).toEqual([
      "timezone: not a time zone; use an IANA name such as UTC or Europe/Berlin",
      "sources[1].url: required",
      "destinations[2].path: must not be empty",
      'sources[2].metrics.BLOG_POSTS: source "blog" already produces BLOG_POSTS; rename one of them',
      'destinations[1].name: "console" is already used by destinations[0]; give each a distinct name',
    ]);
  });

  it("keeps messages readable when a secret is a short word found inside them (web[redacted]Url)", () => {
    const login = `    login: { url: "https://x.test/login", form: form, fields: { email: me, password: "\${PW}", pin: "\${PIN}" } }\n`;
    const text = `sources:\n${blog}  - name: dash\n    type: html\n    url: https://x.test/\n${login}    metrics: { M: { selector: .m } }\ndestinations:\n  - type: console\n  - { type: discord, webhookUrl: "not a url" }\n  - { type: file, path: "" }\n`;
    const issues = errorsOf(text, { PW: "hook", PIN: "a" });
    expect(issues.join("\n")).toMatch(/^destinations\[1\]\.webhookUrl: /m);
    expect(issues.join("\n")).toContain("destinations[2].path: must not be empty");
    expect(issues.join("\n")).not.toMatch(/\w\[redacted\]|\[redacted\]\w/);
  });

  it("reports YAML syntax errors with line and column", () => {
    expect(errorsOf("sources:\n  - name: [unclosed\n")[0]).toMatch(/^kpi\.config\.yaml:\d+:\d+: /);
  });
});

describe("configJsonSchema", () => {
  it("describes every source and destination type for editors", () => {
    const schema = JSON.stringify(configJsonSchema());
    for (const type of ["html", "json", "github", "npm", "pypi", "dockerhub", "discord-invite", "console", "file", "notion", "discord"])
      expect(schema).toContain(`"const":"${type}"`);
    expect(configJsonSchema()).toMatchObject({ type: "object", properties: { sources: { type: "array" } } });
  });
});

describe("loadConfig: a dry run leaves out destinations whose variables are unset", () => {
  const yaml = `history: notes
sources:
${blog}destinations:
  - { type: file, name: notes, path: "\${HISTORY}" }
  - type: notion
    token: \${NOTION_TOKEN}
    database: 89abcdef0123456789abcdef01234567
  - { type: discord, webhookUrl: "\${DISCORD_WEBHOOK_URL}", history: notes, compareDays: 7 }
`;

  it("warns instead of failing, and keeps what is complete", () => {
    const config = loadConfig(yaml, { HISTORY: "h.csv" }, "kpi.config.yaml", { leaveOut: () => true });
    expect(config.leftOut?.map((d) => d.message)).toEqual([
      "destinations[1] (notion) is left out of this dry run: environment variable NOTION_TOKEN is not set",
      "destinations[2] (discord) is left out of this dry run: environment variable DISCORD_WEBHOOK_URL is not set",
    ]);
    expect(config.leftOut?.[1]?.entry).toMatchObject({ type: "discord", compareDays: 7, history: "notes" });
    expect(config.destinations).toEqual([{ type: "file", name: "notes", path: "h.csv" }]);
    expect(config.history).toBe("notes");
  });

  it("falls back to the console when every destination is left out, and accepts references to them", () => {
    const config = loadConfig(yaml, {}, "kpi.config.yaml", { leaveOut: () => true });
    expect(config.leftOut).toHaveLength(3);
    expect(config.destinations).toEqual([{ type: "console" }]);
  });

  it("only for the types it is asked to, and never for a malformed reference or another mistake", () => {
    expect(errorsOf(yaml, { HISTORY: "h.csv" })).toHaveLength(2);
    const discordOnly = () => loadConfig(yaml, { HISTORY: "h.csv" }, "kpi.config.yaml", { leaveOut: (type) => type === "discord" });
    expect(discordOnly).toThrow(/: destinations\[1\]\.token: environment variable NOTION_TOKEN is not set/);
    const all = (text: string) => () => loadConfig(text, {}, "kpi.config.yaml", { leaveOut: () => true });
    expect(all(yaml.replace("${NOTION_TOKEN}", "${NOTION TOKEN}"))).toThrow(/destinations\[1\]\.token: "\$\{NOTION TOKEN\}" is not a valid/);
    expect(all(yaml.replace("compareDays: 7", "compareDays: -7"))).toThrow(/destinations\[2\]\.compareDays: must be at least/);
  });
});
