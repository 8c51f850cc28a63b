import { afterEach, describe, expect, it } from "@jest/globals";
import { createHtmlSource, htmlSourceSchema } from "../../src/sources/html.js";
import { createJsonSource, jsonSourceSchema } from "../../src/sources/json.js";
import { PASSWORD, USER, startLoginSite, type LoginSite, type LoginSiteOptions } from "../fixtures/login-site.js";
import { failureOf, sourceContext } from "./helpers.js";
import { DEFAULT_MAX_PARSE_BYTES } from "../../src/sources/option-checks.js";
import { sendHtml, startServer } from "../helpers/server.js";

let site: LoginSite | undefined;
afterEach(async () => site?.close());

async function start(options?: LoginSiteOptions): Promise<LoginSite> {
  site = await startLoginSite(options);
  return site;
}

function login(url: string, overrides: Record<string, unknown> = {}) {
  return { url: `${url}/login`, form: "form#login", fields: { email: USER, password: PASSWORD }, ...overrides };
}

function dashboardSource(url: string, loginOverrides: Record<string, unknown> = {}) {
  return createHtmlSource(
    htmlSourceSchema.parse({
      type: "html",
      name: "analytics",
      url: `${url}/dashboard`,
      login: login(url, loginOverrides),
      metrics: { SIGNUPS: { selector: ".signups b" }, MRR: { selector: ".mrr b" } },
    }),
  );
}

/** Everything a failed login must keep out of its message and logs. */
const secretsOf = (s: LoginSite) => [PASSWORD, ...s.sessions];

describe("form login", () => {
  it("keeps the CSRF token and preset inputs, posts the fields, and reads the page with the session", async () => {
    const { url, posts, sessions } = await start();
    const context = sourceContext();
    const metrics = await dashboardSource(url, { check: ".account" }).collect(context);
    expect(metrics).toEqual({ SIGNUPS: 1234, MRR: 12_500 });

    const posted = Object.fromEntries(posts[0] ?? []);
    expect(posted).toEqual({ csrf: expect.stringMatching(/^[0-9a-f]{24}$/), email: USER, password: PASSWORD, remember: "on" });
    expect(context.secrets.list()).toEqual(expect.arrayContaining([PASSWORD, sessions[0]]));
    // The user's email names who logged in, as the config's redaction leaves it too.
    expect(context.secrets.redact(`user ${USER}`)).toBe(`user ${USER}`);
    expect(context.logs).toEqual([]);
  });

  it("masks the session cookie, but not preference cookies too short to be one (lang=en, remember=1)", async () => {
    const sid = "s3ss10n-0123456789abcdef";
    const server = await startServer((req, res) => {
      if (req.url === "/login")
        return sendHtml(res, 200, `<form id="login" action="/session" method="post"><input name="email"><input name="password"></form>`, {
          "set-cookie": "lang=en; Path=/",
        });
      if (req.url === "/session") {
        res.writeHead(303, { location: "/dashboard", "set-cookie": [`sid=${sid}; Path=/`, "remember=1; Path=/"] });
        return void res.end();
      }
      sendHtml(res, 200, `<div class="signups"><b>5</b></div>`);
    });
    try {
      const context = sourceContext();
      const source = createHtmlSource(
        htmlSourceSchema.parse({
          type: "html",
          name: "dash",
          url: `${server.url}/dashboard`,
          login: login(server.url),
          metrics: { SIGNUPS: { selector: ".signups b" } },
        }),
      );
      expect(await source.collect(context)).toEqual({ SIGNUPS: 5 });
      expect(context.secrets.redact(`session ${sid}: 1 metric, lang en`)).toBe("session [redacted]: 1 metric, lang en");
    } finally {
      await server.close();
    }
  });

  it("a json source's login page is parsed no larger than an html page may be: the source fails, not the process", async () => {
    const filler = "<div>filler</div>".repeat(Math.ceil((DEFAULT_MAX_PARSE_BYTES + 1) / 17));
    const server = await startServer((_req, res) => sendHtml(res, 200, `<form id="login"></form>${filler}`));
    try {
      const api = createJsonSource(
        jsonSourceSchema.parse({ type: "json", name: "api", url: `${server.url}/api`, login: login(server.url), metrics: { N: { path: "n" } } }),
      );
      const message = await failureOf(api, sourceContext());
      expect(message).toMatch(
        new RegExp(`login failed for source api: the login page could not be fetched: Response larger than ${DEFAULT_MAX_PARSE_BYTES} bytes`),
      );
    } finally {
      await server.close();
    }
  });

  it("reads a JSON API behind the login", async () => {
    const { url } = await start();
    const api = createJsonSource(
      jsonSourceSchema.parse({
        type: "json",
        name: "analytics-api",
        url: `${url}/api/stats`,
        login: login(url),
        metrics: { SIGNUPS: { path: "signups" }, TRIALS: { path: "trials" } },
      }),
    );
    expect(await api.collect(sourceContext())).toEqual({ SIGNUPS: 1234, TRIALS: 56 });
  });

  it("fails on a wrong password without showing it", async () => {
    const s = await start();
    const message = await failureOf(dashboardSource(s.url, { fields: { email: USER, password: "wrong-password-1" } }), sourceContext(), ["wrong-password-1"]);
    expect(message).toBe("[analytics] login failed for source analytics: still on the login form after submitting (check the credentials)");
  });

  it("fails when the server rejects the CSRF token", async () => {
    const s = await start();
    const context = sourceContext();
    const message = await failureOf(dashboardSource(s.url, { fields: { email: USER, password: PASSWORD, csrf: "forged-token" } }), context, [PASSWORD]);
    expect(message).toBe("[analytics] login failed for source analytics: the login form was rejected with status 403 (check the credentials)");
    expect(s.posts[0]?.get("csrf")).toBe("forged-token");
  });

  it("logs in afresh on every run, so a session that expired between runs does not matter", async () => {
    const s = await start();
    const source = dashboardSource(s.url);
    expect(await source.collect(sourceContext())).toEqual({ SIGNUPS: 1234, MRR: 12_500 });
    s.expireAll();
    expect(await source.collect(sourceContext())).toEqual({ SIGNUPS: 1234, MRR: 12_500 });
    expect(s.sessions).toHaveLength(2);
  });

  it("fails when the page redirects back to the login form after logging in", async () => {
    const s = await start({ sessionRequests: 1 });
    const message = await failureOf(dashboardSource(s.url), sourceContext(), secretsOf(s));
    expect(message).toBe(
      `[analytics] login failed for source analytics: ${s.url}/dashboard answered with the login form (the session was not accepted or has expired)`,
    );
  });

  it("fails when a JSON API answers with the login page or 401 after logging in", async () => {
    const s = await start({ sessionRequests: 1 });
    const json = (path: string) =>
      createJsonSource(jsonSourceSchema.parse({ type: "json", name: "api", url: `${s.url}${path}`, login: login(s.url), metrics: { X: { path: "ok" } } }));
    expect(await failureOf(json("/api/stats"), sourceContext(), secretsOf(s))).toBe(
      `[api] login failed for source api: ${s.url}/api/stats answered with the login form (the session was not accepted or has expired)`,
    );
    expect(await failureOf(json("/api/strict"), sourceContext(), secretsOf(s))).toBe(
      `[api] login failed for source api: Request failed with status code 401: GET ${s.url}/api/strict after logging in`,
    );
  });

  it("fails when the check selector is missing after logging in", async () => {
    const s = await start();
    const message = await failureOf(dashboardSource(s.url, { check: "#admin-menu" }), sourceContext(), secretsOf(s));
    expect(message).toBe(`[analytics] login failed for source analytics: "#admin-menu" not found on ${s.url}/dashboard, so the session is not logged in`);
  });

  it("fails when the login form is not on the login page", async () => {
    const s = await start();
    const message = await failureOf(dashboardSource(s.url, { form: "form#signin" }), sourceContext(), [PASSWORD]);
    expect(message).toBe(`[analytics] login failed for source analytics: form "form#signin" not found on ${s.url}/login (has the login page changed?)`);
    expect(s.posts).toHaveLength(0);
  });

  it("warns about a field the form does not have, without its value", async () => {
    const s = await start();
    const context = sourceContext();
    await dashboardSource(s.url, { fields: { email: USER, password: PASSWORD, otp: "918273" } }).collect(context);
    expect(context.logs.map((l) => l.message)).toEqual(['login field "otp" is not an input of form "form#login"']);
  });

  // got 14 re-sends a POST on 302 unless the client sets `methodRewriting`.
  it("follows a 302 after the login POST with a GET, as browsers do", async () => {
    const s = await start({ redirectStatus: 302 });
    expect(await dashboardSource(s.url).collect(sourceContext())).toEqual({ SIGNUPS: 1234, MRR: 12_500 });
    expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /login", "POST /session", "GET /dashboard", "GET /dashboard"]);
  });
});
