import { randomBytes } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { demoValue } from "./model.js";

export const DEMO_USER = "founder@demo.test";
export const DEMO_PASSWORD = "correct-horse-battery";
export const DEMO_API_TOKEN = "demo-api-token-5f2c";

export interface DemoSite {
  url: string;
  close(): Promise<void>;
}

const page = (title: string, body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

/**
 * A small startup website on 127.0.0.1: a blog, an RSS feed, a JSON API behind a bearer token
 * and an analytics dashboard behind a login form with a CSRF token. Its numbers are those of `date`.
 */
export async function startDemoSite(date: string): Promise<DemoSite> {
  const csrfTokens = new Set<string>();
  const sessions = new Set<string>();

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
    "GET /blog": (_req, res) => {
      const posts = Array.from(
        { length: demoValue("blogPosts", date) },
        (_, i) => `<article class="post"><h2><a class="post-link" href="/blog/${i + 1}">Post ${i + 1}</a></h2></article>`,
      );
      send(res, 200, page("Blog", `<h1>Our blog</h1>${posts.join("")}`));
    },
    "GET /feed.xml": (_req, res) => {
      const items = Array.from(
        { length: demoValue("episodes", date) },
        (_, i) => `<item><title>Episode ${i + 1}</title><link>http://demo.test/ep/${i + 1}</link></item>`,
      );
      send(res, 200, `<?xml version="1.0"?><rss version="2.0"><channel><title>Pipeline Talk</title>${items.join("")}</channel></rss>`, "application/rss+xml");
    },
    "GET /api/stats": (req, res) => {
      if (req.headers.authorization !== `Bearer ${DEMO_API_TOKEN}`) return send(res, 401, JSON.stringify({ error: "unauthorized" }), "application/json");
      const stats = { data: { signups: { total: demoValue("signups", date) }, active_users: String(demoValue("activeUsers", date)) } };
      send(res, 200, JSON.stringify(stats), "application/json");
    },
    "GET /login": (_req, res) => {
      const csrf = randomBytes(12).toString("hex");
      csrfTokens.add(csrf);
      const form = `<form id="login" method="post" action="/session"><input type="hidden" name="csrf" value="${csrf}"><input name="email"><input type="password" name="password"><button>Sign in</button></form>`;
      send(res, 200, page("Sign in", form));
    },
    "POST /session": (_req, res, body) => {
      const form = new URLSearchParams(body);
      const csrf = form.get("csrf") ?? "";
      if (!csrfTokens.delete(csrf)) return send(res, 403, page("Forbidden", "<p>Invalid CSRF token</p>"));
      if (form.get("email") !== DEMO_USER || form.get("password") !== DEMO_PASSWORD) return redirect(res, "/login");
      const session = randomBytes(16).toString("hex");
      sessions.add(session);
      redirect(res, "/dashboard", { "set-cookie": `session=${session}; Path=/; HttpOnly` });
    },
    "GET /dashboard": (req, res) => {
      const session = /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
      if (!session || !sessions.has(session)) return redirect(res, "/login");
      const mrr = (demoValue("mrr", date) / 1000).toFixed(1);
      const dashboard = `<nav><a class="logout" href="/logout">Sign out</a></nav>
        <div class="card"><h3>Weekly active users</h3><span class="metric weekly-active">${demoValue("weeklyActive", date).toLocaleString("en-US")}</span></div>
        <div class="card"><h3>MRR</h3><span class="metric mrr">$${mrr}k</span></div>
        <div class="card"><h3>Churn</h3><span class="metric churn">${demoValue("churn", date)}%</span></div>`;
      send(res, 200, page("Analytics", dashboard));
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const route = routes[`${req.method} ${(req.url ?? "/").split("?")[0]}`];
      if (route) route(req, res, Buffer.concat(chunks).toString("utf8"));
      else send(res, 404, page("Not found", "<p>Not found</p>"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: string, type = "text/html; charset=utf-8"): void {
  res.writeHead(status, { "content-type": type });
  res.end(body);
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(302, { location, ...headers });
  res.end();
}
