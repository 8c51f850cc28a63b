import { afterEach, describe, expect, it } from "@jest/globals";
import { createHttpClient } from "../../src/http/client.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

/** Credentials the config sets for a source, under the names real APIs use. */
const HEADERS = { "x-api-key": "key-0123456789", "private-token": "glpat-0123456789", "X-Custom-Auth": "custom-0123456789", accept: "application/json" };

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** `other` records what reaches it; `origin` redirects every request to `target(other)`. */
async function redirectVia(target: (other: TestServer) => string, status = 302) {
  const other = await startServer((req, res) => sendJson(res, 200, { headers: req.headers }));
  const origin = await startServer((req, res) => {
    if (req.url === "/final") return sendJson(res, 200, { headers: req.headers });
    res.writeHead(status, { location: target(other) }).end();
  });
  servers.push(other, origin);
  return { origin, other };
}

describe("credentials on a redirect", () => {
  it("sends no config-set header and no basic auth to another origin (another port)", async () => {
    const { origin, other } = await redirectVia((o) => `${o.url}/landing`);
    const response = await createHttpClient().request({
      url: `${origin.url}/start`,
      headers: HEADERS,
      basicAuth: { username: "kpi", password: "pw-0123456789" },
    });
    expect(response.url).toBe(`${other.url}/landing`);
    const received = other.requests[0]?.headers ?? {};
    for (const name of ["x-api-key", "private-token", "x-custom-auth", "accept", "authorization", "cookie"]) expect(received[name]).toBeUndefined();
    expect(JSON.stringify(other.requests)).not.toMatch(/0123456789/);
    // The first origin got them: the stripping is for the hop, not for the request.
    expect(origin.requests[0]?.headers).toMatchObject({
      "x-api-key": "key-0123456789",
      "private-token": "glpat-0123456789",
      authorization: expect.stringMatching(/^Basic /),
    });
  });

  it("sends no credentials from a URL's userinfo to another origin", async () => {
    const { origin, other } = await redirectVia((o) => `${o.url}/landing`, 307);
    await createHttpClient().request({ url: `http://kpi:pw-0123456789@127.0.0.1:${origin.port}/start`, headers: HEADERS });
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(other.requests)).not.toMatch(/0123456789/);
  });

  it("does not send them again when a later redirect comes back to the first origin", async () => {
    let originUrl = "";
    const other = await startServer((_req, res) => void res.writeHead(302, { location: `${originUrl}/final` }).end());
    const origin = await startServer((req, res) => {
      if (req.url === "/final") return sendJson(res, 200, { headers: req.headers });
      res.writeHead(302, { location: `${other.url}/bounce` }).end();
    });
    originUrl = origin.url;
    servers.push(other, origin);
    await createHttpClient().request({ url: `${origin.url}/start`, headers: HEADERS, basicAuth: { username: "kpi", password: "pw-0123456789" } });
    expect(origin.requests.map((r) => r.path)).toEqual(["/start", "/final"]);
    expect(JSON.stringify([other.requests, origin.requests[1]])).not.toMatch(/0123456789/);
  });

  it("keeps every header on a redirect within the same origin", async () => {
    const { origin } = await redirectVia(() => "/final");
    const response = await createHttpClient().request({
      url: `${origin.url}/start`,
      headers: HEADERS,
      basicAuth: { username: "kpi", password: "pw-0123456789" },
    });
    expect((JSON.parse(response.body) as { headers: Record<string, string> }).headers).toMatchObject({
      "x-api-key": "key-0123456789",
      "private-token": "glpat-0123456789",
      "x-custom-auth": "custom-0123456789",
      authorization: `Basic ${Buffer.from("kpi:pw-0123456789").toString("base64")}`,
    });
  });
});
