import { afterEach, describe, expect, it } from "@jest/globals";
import { createHttpClient } from "../../src/http/client.js";
import { parseRetryAfter } from "../../src/http/retry.js";
import { sendJson, startServer, type TestServer } from "../helpers/server.js";

const fast = { backoffMs: 5, maxBackoffMs: 20 };
let server: TestServer | undefined;
afterEach(async () => server?.close());

describe("http client", () => {
  it("waits Retry-After on 429, then succeeds", async () => {
    let calls = 0;
    server = await startServer((_req, res) => {
      calls++;
      if (calls === 1) return sendJson(res, 429, { message: "slow down" }, { "retry-after": "1" });
      sendJson(res, 200, { ok: true });
    });
    const started = Date.now();
    const response = await createHttpClient({ retry: fast }).request({ url: `${server.url}/x` });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    // The second request must not go out before the server's Retry-After has passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("decodes a character whose bytes arrive in two chunks, and a POST without a body completes", async () => {
    server = await startServer(async (req, res) => {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      const euro = Buffer.from("€", "utf8");
      res.write(Buffer.concat([Buffer.from(`${req.method} 5`), euro.subarray(0, 1)]));
      // The rest of the character only after the first chunk has surely been read.
      await new Promise((resolve) => setTimeout(resolve, 50));
      res.end(Buffer.concat([euro.subarray(1), Buffer.from(" ok")]));
    });
    const client = createHttpClient({ retry: fast });
    expect((await client.request({ url: server.url })).body).toBe("GET 5€ ok");
    expect((await client.request({ url: server.url, method: "POST" })).body).toBe("POST 5€ ok");
  });

  it("with bytes: true answers the body undecoded, split character whole, in a buffer of its own", async () => {
    server = await startServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      const euro = Buffer.from("€", "utf8");
      res.write(Buffer.concat([Buffer.from("5"), euro.subarray(0, 1)]));
      await new Promise((resolve) => setTimeout(resolve, 50));
      res.end(euro.subarray(1));
    });
    const response = await createHttpClient({ retry: fast }).request({ url: server.url, bytes: true });
    expect(response.body).toBe("");
    const bytes = response.bytes as Uint8Array;
    expect(new TextDecoder().decode(bytes)).toBe("5€");
    // The whole of its ArrayBuffer, never a slice of Node's shared pool: a parse worker may take it.
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
  });

  it("retries a 500 on GET, then succeeds", async () => {
    let calls = 0;
    server = await startServer((_req, res) => sendJson(res, ++calls === 1 ? 500 : 200, { calls }));
    const response = await createHttpClient({ retry: fast }).request({ url: server.url });
    expect(JSON.parse(response.body)).toEqual({ calls: 2 });
  });

  it("gives up after the retry limit with the last status", async () => {
    server = await startServer((_req, res) => sendJson(res, 503, {}));
    await expect(createHttpClient({ retry: { ...fast, limit: 2 } }).request({ url: `${server.url}/down?token=abc` })).rejects.toThrow(
      /status code 503: GET http:\/\/127\.0\.0\.1:\d+\/down after 3 attempts/,
    );
    expect(server.requests).toHaveLength(3);
  });

  it("never retries a POST", async () => {
    server = await startServer((_req, res) => sendJson(res, 500, {}));
    await expect(createHttpClient({ retry: fast }).request({ url: server.url, method: "POST", body: { a: 1 } })).rejects.toThrow(/500/);
    expect(server.requests).toHaveLength(1);
  });

  it("shares a request's timeoutMs among a GET's attempts, so a hung attempt leaves time to retry", async () => {
    let calls = 0;
    server = await startServer((_req, res) => {
      if (++calls > 1) sendJson(res, 200, { calls }); // the first never answers
    });
    const response = await createHttpClient({ retry: fast }).request({ url: server.url, timeoutMs: 3000 });
    expect(JSON.parse(response.body)).toEqual({ calls: 2 });
  });

  it("lets a request's timeoutMs override the client's per-attempt limit", async () => {
    server = await startServer((_req, res) => void setTimeout(() => sendJson(res, 200, { late: true }), 2500));
    const client = createHttpClient({ timeoutMs: 500, retry: fast });
    await expect(client.request({ url: server.url, retry: { limit: 0 } })).rejects.toThrow(/timed out/);
    const response = await client.request({ url: server.url, timeoutMs: 15_000 });
    expect(JSON.parse(response.body)).toEqual({ late: true });
    expect(server.requests).toHaveLength(2);
  });

  it("does not retry a 404", async () => {
    server = await startServer((_req, res) => sendJson(res, 404, {}));
    await expect(createHttpClient({ retry: fast }).request({ url: server.url })).rejects.toMatchObject({ status: 404 });
    expect(server.requests).toHaveLength(1);
  });

  it("refuses a Retry-After longer than allowed instead of hanging", async () => {
    server = await startServer((_req, res) => sendJson(res, 429, {}, { "retry-after": "3600" }));
    await expect(createHttpClient({ retry: fast }).request({ url: server.url })).rejects.toThrow(/Retry-After 3600 s/);
    expect(server.requests).toHaveLength(1);
  });

  it("cuts off a response larger than the cap", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("x".repeat(256 * 1024));
    });
    await expect(createHttpClient({ maxResponseBytes: 64 * 1024 }).request({ url: server.url })).rejects.toMatchObject({ code: "response_too_large" });
  });

  it("refuses a declared Content-Length over the cap before the body comes", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": String(256 * 1024) });
      // The headers only: the body never comes, so only the declared length can end this early.
      res.flushHeaders();
    });
    const request = createHttpClient({ maxResponseBytes: 64 * 1024 }).request({ url: server.url, timeoutMs: 20_000 });
    await expect(request).rejects.toMatchObject({ code: "response_too_large" });
  });

  it("names a refused connection", async () => {
    server = await startServer((_req, res) => sendJson(res, 200, {}));
    const url = server.url;
    await server.close();
    server = undefined;
    await expect(createHttpClient({ retry: { ...fast, limit: 1 } }).request({ url })).rejects.toThrow(/connection refused: GET .* after 2 attempts/);
  });

  it("follows a 302 after a POST with a GET, as browsers do", async () => {
    server = await startServer((req, res) => {
      if (req.method === "POST") return void res.writeHead(302, { location: "/done" }).end();
      sendJson(res, req.url === "/done" ? 200 : 404, { method: req.method });
    });
    const response = await createHttpClient().request({ url: `${server.url}/form`, method: "POST", form: { a: "1" } });
    expect(JSON.parse(response.body)).toEqual({ method: "GET" });
    expect(response.url).toBe(`${server.url}/done`);
  });

  it("sends basic auth and JSON bodies", async () => {
    server = await startServer((_req, res) => sendJson(res, 200, {}));
    await createHttpClient().request({ url: server.url, method: "POST", body: { q: 1 }, basicAuth: { username: "u", password: "p4ss" } });
    const [request] = server.requests;
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from("u:p4ss").toString("base64")}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.body).toBe('{"q":1}');
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["2", 2000],
    ["0.25", 250],
    [undefined, undefined],
    ["soon", undefined],
  ])("%j -> %j", (value, expected) => expect(parseRetryAfter(value)).toBe(expected));

  it("reads an HTTP date", () => {
    const now = Date.parse("2026-11-29T10:00:00Z");
    expect(parseRetryAfter("Sun, 29 Nov 2026 10:00:05 GMT", now)).toBe(5000);
  });
});
