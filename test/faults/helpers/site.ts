import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendHtml, sendJson, startServer, type Handler, type TestServer } from "../../helpers/server.js";

export const APP_USER = "kpi-bot";
export const LOGIN_USER = "ops@example.com";

/** The credentials the site checks; tests put them in the env, so they are secrets of the config. */
export interface SiteSecrets {
  apiKey: string;
  repoPassword: string;
  loginPassword: string;
}

export interface SiteValues {
  users: number;
  mrr: number;
  stars: number;
  /** What the login-protected dashboard shows. */
  signups: number;
}

/**
 * The sites sources read: healthy routes for the `app` (json, API key) and `repo` (html,
 * basic auth) sources and a `dashboard` behind a form login, plus any route a scenario
 * makes misbehave with `on`.
 */
export interface FaultSite extends TestServer {
  values: SiteValues;
  secrets: SiteSecrets;
  /** Session cookie values handed out, for the leak check. */
  cookies: string[];
  /** While true, the login form is answered with 401 and the form again. */
  loginRejects: boolean;
  /** Paths answered with 503 while listed. */
  down: Set<string>;
  on(path: string, handler: Handler): void;
  /** How many requests reached `path`. */
  hits(path: string): number;
}

const loginForm = (csrf: string, error = "") =>
  `<html><body>${error && `<p class="error">${error}</p>`}<form id="login" action="/session" method="post">` +
  `<input type="hidden" name="csrf" value="${csrf}"><input name="email"><input type="password" name="password"></form></body></html>`;

export async function startFaultSite(): Promise<FaultSite> {
  const values: SiteValues = { users: 1200, mrr: 3400, stars: 1234, signups: 56 };
  const secrets: SiteSecrets = {
    apiKey: `key-${randomBytes(12).toString("hex")}`,
    repoPassword: `pw-${randomBytes(12).toString("hex")}`,
    loginPassword: `login-${randomBytes(12).toString("hex")}`,
  };
  const cookies: string[] = [];
  const sessions = new Set<string>();
  const routes = new Map<string, Handler>();
  const cookie = (header: string | undefined, name: string) => new RegExp(`(?:^|;\\s*)${name}=([^;]+)`).exec(header ?? "")?.[1];

  routes.set("/stats.json", (req, res) => {
    if (req.headers["x-api-key"] !== secrets.apiKey) return sendJson(res, 401, { error: "bad api key" });
    sendJson(res, 200, { data: { users: values.users, revenue: { mrr: values.mrr } } });
  });
  routes.set("/repo.html", (req, res) => {
    const expected = `Basic ${Buffer.from(`${APP_USER}:${secrets.repoPassword}`).toString("base64")}`;
    if (req.headers.authorization !== expected) return sendHtml(res, 401, "<h1>401</h1>", { "www-authenticate": 'Basic realm="repo"' });
    sendHtml(res, 200, `<html><body><span class="stars">${values.stars.toLocaleString("en-US")}</span></body></html>`);
  });
  routes.set("/login", (_req, res) => {
    const csrf = randomBytes(8).toString("hex");
    sendHtml(res, 200, loginForm(csrf), { "set-cookie": `csrf=${csrf}; Path=/` });
  });
  routes.set("/session", (req, res) => {
    const form = new URLSearchParams(req.body);
    const csrf = cookie(req.headers.cookie, "csrf");
    if (site.loginRejects || !csrf || form.get("csrf") !== csrf || form.get("email") !== LOGIN_USER || form.get("password") !== secrets.loginPassword) {
      return sendHtml(res, 401, loginForm(csrf ?? "", "Wrong email or password"));
    }
    const sid = randomBytes(16).toString("hex");
    cookies.push(sid);
    sessions.add(sid);
    res.writeHead(303, { location: "/dashboard", "set-cookie": `sid=${sid}; Path=/; HttpOnly` });
    res.end();
  });
  routes.set("/dashboard", (req, res) => {
    const sid = cookie(req.headers.cookie, "sid");
    if (!sid || !sessions.has(sid)) return redirect(res, "/login");
    sendHtml(res, 200, `<html><body><nav class="account">${LOGIN_USER}</nav><b class="signups">${values.signups}</b></body></html>`);
  });

  const server = await startServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://site").pathname;
    if (site.down.has(path)) return sendHtml(res, 503, "<h1>503 Service Unavailable</h1>");
    const handler = routes.get(path);
    if (!handler) return sendHtml(res, 404, "not found");
    return handler(req, res);
  });
  const site: FaultSite = {
    ...server,
    values,
    secrets,
    cookies,
    loginRejects: false,
    down: new Set(),
    on: (path, handler) => void routes.set(path, handler),
    hits: (path) => server.requests.filter((r) => new URL(r.path, "http://site").pathname === path).length,
  };
  return site;
}

export function redirect(res: ServerResponse, location: string, status = 302): void {
  res.writeHead(status, { location });
  res.end();
}
