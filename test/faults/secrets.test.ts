import { afterEach, describe, expect, it } from "@jest/globals";
import { loadConfig } from "../../src/config/load.js";
import { sendHtml, sendJson, startServer, type TestServer } from "../helpers/server.js";
import { buildFastPipeline } from "./helpers/build-fast.js";
import { startInstance, type FunctionInstance } from "./helpers/function.js";
import { createLeakGuard, installLeakGuard } from "./helpers/leak-guard.js";
import { APP_USER } from "./helpers/site.js";
import { LOGIN_SOURCE, startWorld, type World } from "./helpers/world.js";

const guard = installLeakGuard();
const DAY = "2026-03-10";
let world: World | undefined;
let fn: FunctionInstance | undefined;
let elsewhere: TestServer | undefined;
afterEach(async () => {
  await fn?.close();
  await world?.close();
  await elsewhere?.close();
  fn = undefined;
  world = undefined;
  elsewhere = undefined;
});

describe("the leak guard", () => {
  it("finds a secret on every channel: stdout, stderr, console, errors, Discord posts, and cut short", () => {
    const probe = createLeakGuard();
    const token = "tok_0123456789abcdefghijklmnopqrstuv";
    const posted: string[] = [];
    probe.secret(token);
    probe.secretUrl("http://127.0.0.1:1/api/webhooks/1/abc");
    probe.watch("discord", () => posted);
    probe.start();
    try {
      process.stdout.write(`{"message":"${token}"}\n`);
      process.stderr.write(Buffer.from(encodeURIComponent(`a ${token}`)));
      console.warn("cut:", `${token.slice(0, 20)}…`);
      console.log("hook http://127.0.0.1:1/api/webhooks/1/abc");
    } finally {
      probe.stop();
    }
    probe.inspect("error", new Error(`failed with ${token}`));
    posted.push(JSON.stringify({ content: token }));
    expect(probe.leaks()).toEqual([
      "stdout/stderr/console: secret tok_… (36 chars)",
      "stdout/stderr/console: secret http… (37 chars)",
      "error: secret tok_… (36 chars)",
      "discord: secret tok_… (36 chars)",
    ]);
    expect(probe.output()).toContain("cut:");
    expect(probe.leaks()).toEqual(["discord: secret tok_… (36 chars)"]);
  });

  it("does not flag the webhook's origin or id, which are not secret", () => {
    const probe = createLeakGuard();
    probe.secretUrl("http://127.0.0.1:1/api/webhooks/1234/abcdefghijklmnopqrstuvwxyz");
    probe.secret("abcdefghijklmnopqrstuvwxyz");
    probe.inspect("log", "posted to webhook 1234… at http://127.0.0.1:1/api/webhooks/1234");
    expect(probe.leaks()).toEqual([]);
  });
});

/** Sources that fail in the ways most likely to echo a credential back. */
const ECHOING_SOURCES = `
  - name: echo-json
    type: json
    url: "{{site}}/echo?api_key=\${APP_API_KEY}"
    headers: { x-api-key: "\${APP_API_KEY}" }
    metrics:
      echo_json: { path: count }
  - name: echo-html
    type: html
    url: "{{site}}/echo-html"
    metrics:
      echo_html: { selector: .count, regex: 'visits (\\d+)' }
  - name: userinfo
    type: json
    url: "http://kpi:\${REPO_PASSWORD}@{{host}}/broken?token=\${APP_API_KEY}"
    metrics:
      userinfo_count: { path: count }
${LOGIN_SOURCE}`;

describe("a run where everything echoes credentials back leaks none of them", () => {
  it("through the handler: sources, Notion and Discord fail, and no secret reaches any output", async () => {
    world = await startWorld(guard, { extraSources: ECHOING_SOURCES });
    const w = world;
    const { repoPassword } = w.site.secrets;
    // An API that quotes the key it was given, a page that shows a session token, a 401 that names the password.
    w.site.on("/echo", (req, res) => sendHtml(res, 200, `Invalid API key: ${String(req.headers["x-api-key"])} (see ${req.url ?? ""})`));
    w.site.on("/echo-html", (_q, res) => sendHtml(res, 200, `<p class="count">session ${w.notion.token} expired for ${w.discord.token}</p>`));
    w.site.on("/broken", (req, res) => sendJson(res, 401, { error: `bad credentials ${String(req.headers.authorization)} ${repoPassword}` }));
    w.site.loginRejects = true;
    w.discord.failNext(404);

    fn = await startInstance(w);
    expect(await fn.push({ job: "daily", date: DAY }, "leak-1")).toBe(500);
    const summary = fn.records.find((r) => /destinations failed|done:/.test(r.message));
    expect(summary).toMatchObject({ sourcesFailed: ["dashboard", "echo-html", "echo-json", "userinfo"] });
    const failures = fn.records.filter((r) => /^source .* failed: /.test(r.message)).map((r) => r.message);
    expect(failures).toHaveLength(4);
    expect(failures.join("\n")).toMatch(/\[redacted\]/);
    expect(guard.output()).toMatch(/RetryableEventError|destinations failed/);
    expect(w.notion.rows().map((r) => r.metrics)).toEqual([{ mrr: 3400, stars: 1234, users: 1200 }]);
    // The echo happened and was masked: the guard passing is redaction, not silence.
    expect(failures.find((f) => f.includes("echo-json"))).toMatch(/\[redacted\]/);
  });

  it("a wrong Notion token and a wrong webhook token are named only by what to fix", async () => {
    world = await startWorld(guard);
    const w = world;
    const wrongToken = `ntn_${"9".repeat(32)}wrong`;
    const wrongHookToken = "wrong-T0ken_zyxwvutsrqponmlkjihgfedcba987654";
    const wrongHook = w.discord.webhookUrl.replace(w.discord.token, wrongHookToken);
    guard.secret(wrongToken, wrongHookToken);
    guard.secretUrl(wrongHook);
    w.site.down.add("/repo.html");
    const run = async (env: Record<string, string>) => {
      const config = loadConfig(w.yaml, { ...w.env, ...env });
      const result = await (await buildFastPipeline(config, { logger: w.logger })).process("daily", { date: DAY });
      guard.inspect("result", result);
      return result.destinations.map((d) => d.error);
    };
    expect(await run({ NOTION_TOKEN: wrongToken })).toEqual([
      expect.stringMatching(/Notion token invalid \(401 unauthorized\): copy the Internal Integration Secret/),
      expect.stringMatching(/can't read history .*Notion token invalid/),
    ]);
    expect(await run({ DISCORD_WEBHOOK_URL: wrongHook })).toEqual([
      undefined,
      expect.stringMatching(/^\[discord\] webhook 1234…: invalid webhook token \(401, code 50027: Invalid Webhook Token\); check the webhook URL$/),
    ]);
    expect(w.logs.filter((l) => l.severity === "ERROR")).toHaveLength(3);
  });
});

/** Basic auth that a server quotes back as it received it, and a redirect to another origin. */
const BASIC_AND_REDIRECT_SOURCES = `
  - name: echo-basic
    type: json
    url: "{{site}}/echo-auth"
    basicAuth: { username: ${APP_USER}, password: "\${REPO_PASSWORD}" }
    metrics:
      echo_basic: { path: count }
  - name: moved
    type: json
    url: "{{site}}/moved"
    headers: { x-api-key: "\${APP_API_KEY}", private-token: "\${APP_API_KEY}", x-custom-auth: "\${LOGIN_PASSWORD}" }
    metrics:
      moved_count: { path: count }
`;

describe("credentials as they travel: encoded, and across a redirect", () => {
  it("the Authorization header echoed back base64-encoded is masked everywhere; no credential crosses to another origin", async () => {
    elsewhere = await startServer((req, res) => sendJson(res, 200, { count: `you sent ${JSON.stringify(req.headers)}` }));
    world = await startWorld(guard, { extraSources: BASIC_AND_REDIRECT_SOURCES });
    const w = world;
    const other = elsewhere;
    w.site.on("/echo-auth", (req, res) => sendJson(res, 200, { count: `Authorization: ${String(req.headers.authorization)}` }));
    w.site.on("/moved", (_req, res) => void res.writeHead(302, { location: `${other.url}/landing` }).end());

    guard.watch("fake Notion rows", () => w.notion.rows());
    fn = await startInstance(w);
    expect(await fn.push({ job: "daily", date: DAY }, "encoded-1")).toBe(204);
    const failures = fn.records.filter((r) => /^source .* failed: /.test(r.message)).map((r) => r.message);
    expect(failures).toEqual([
      // However the number parser quotes the text (whole, or the token it stopped at), the credential is masked.
      expect.stringMatching(/^source echo-basic failed: path count holds "[^"]*\[redacted\]/),
      expect.stringMatching(/^source moved failed: path count holds "you sent /),
    ]);
    // The other origin got the request, and none of the headers the config set.
    expect(other.requests).toHaveLength(1);
    for (const name of ["x-api-key", "private-token", "x-custom-auth", "authorization"]) expect(other.requests[0]?.headers[name]).toBeUndefined();
    guard.inspect("requests received by the other origin", other.requests);
    // The Discord alert quoted both failures, masked.
    expect(JSON.stringify(w.discord.messages)).toMatch(/echo-basic/);
  });
});
