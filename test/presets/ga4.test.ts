import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import { GoogleAuth } from "google-auth-library";
import { createGa4Source, ga4SourceSchema, type Ga4Auth } from "../../src/sources/presets/ga4.js";
import { sendJson, startServer } from "../helpers/server.js";
import { startFakeGa4, type FakeGa4, type FakeGa4Options } from "../fakes/ga4-server.js";
import { failureOf, sourceContext } from "../sources/helpers.js";

const TOKEN = "ya29.fakeAccessToken_0123456789";
const tokenAuth = (token = TOKEN): Ga4Auth => ({ getAccessToken: async () => token });
/** The run is 2024-05-15: 1 day is that day, 7 days from 05-09, 28 days from 04-18. */
const SESSIONS = [
  { date: "2024-05-15", user: "a" },
  { date: "2024-05-15", user: "a" },
  { date: "2024-05-14", user: "b" },
  { date: "2024-05-09", user: "c" },
  { date: "2024-05-08", user: "d" },
  { date: "2024-04-18", user: "e" },
  { date: "2024-04-17", user: "f" },
  { date: "2024-05-16", user: "g" },
];

let fake: FakeGa4 | undefined;
afterEach(async () => fake?.close());

async function start(options: Partial<FakeGa4Options> = {}): Promise<FakeGa4> {
  fake = await startFakeGa4({ tokens: { [TOKEN]: ["123456789"] }, sessions: SESSIONS, today: "2024-05-30", ...options });
  return fake;
}
const build = (options: Record<string, unknown>, auth: Ga4Auth = tokenAuth()) =>
  createGa4Source(ga4SourceSchema.parse({ type: "ga4", name: "ga4", propertyId: "properties/123456789", ...options }), { auth });

describe("ga4", () => {
  it("reads active users over 1, 7 and 28 days and sessions over 7 days ending on the run date, in one report", async () => {
    const { url, requests } = await start();
    const source = build({ baseUrl: url });
    expect(source.metricNames).toEqual(["GA4_ACTIVE_USERS_1D", "GA4_ACTIVE_USERS_7D", "GA4_ACTIVE_USERS_28D", "GA4_SESSIONS_7D"]);
    expect(await source.collect(sourceContext("2024-05-15"))).toEqual({
      GA4_ACTIVE_USERS_1D: 1,
      GA4_ACTIVE_USERS_7D: 3,
      GA4_ACTIVE_USERS_28D: 5,
      GA4_SESSIONS_7D: 4,
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "POST", path: "/v1beta/properties/123456789:runReport" });
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(requests[0]?.body ?? "").dateRanges).toEqual([
      { startDate: "2024-05-15", endDate: "2024-05-15", name: "last_1_day" },
      { startDate: "2024-05-09", endDate: "2024-05-15", name: "last_7_days" },
      { startDate: "2024-04-18", endDate: "2024-05-15", name: "last_28_days" },
    ]);
  });

  it("records 0 when GA4 answers a report with no data at all (no rows)", async () => {
    const { url } = await start({ sessions: [] });
    expect(await build({ baseUrl: url }).collect(sourceContext())).toEqual({
      GA4_ACTIVE_USERS_1D: 0,
      GA4_ACTIVE_USERS_7D: 0,
      GA4_ACTIVE_USERS_28D: 0,
      GA4_SESSIONS_7D: 0,
    });
  });

  it("takes an accessToken from the config instead of credentials, and keeps it out of messages", async () => {
    const { url } = await start({ tokens: {} });
    const context = sourceContext();
    const message = await failureOf(build({ baseUrl: url, propertyId: "123456789", accessToken: "ya29.expiredToken_987654321" }), context, [
      "ya29.expiredToken_987654321",
    ]);
    expect(message).toBe(
      `[ga4] Request failed with status code 401: POST ${url}/v1beta/properties/123456789:runReport (the access token is invalid or expired)`,
    );
    expect(context.secrets.list()).toContain("ya29.expiredToken_987654321");
  });

  it("says to add the account as a Viewer when it cannot read the property", async () => {
    const { url } = await start({ tokens: { [TOKEN]: ["1"] } });
    const message = await failureOf(build({ baseUrl: url }), sourceContext(), [TOKEN]);
    expect(message).toBe(
      `[ga4] Request failed with status code 403: POST ${url}/v1beta/properties/123456789:runReport (the credentials' account cannot read property 123456789: add it as a Viewer in GA4 (Admin → Property access management), and enable the Google Analytics Data API in its Google Cloud project)`,
    );
  });

  it("quotes Google's reason for a 400 (its error.message), never the token a server echoes", async () => {
    const server = await startServer((req, res) =>
      sendJson(res, 400, {
        error: { code: 400, message: `Field sesions is not a valid metric (${String(req.headers.authorization)})`, status: "INVALID_ARGUMENT" },
      }),
    );
    try {
      const message = await failureOf(build({ baseUrl: server.url }), sourceContext(), [TOKEN]);
      expect(message).toContain(`(the Data API refused the report: "Field sesions is not a valid metric (Bearer [redacted])")`);
    } finally {
      await server.close();
    }
  });

  it("says how to set up credentials when Google's auth library finds none usable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ga4-"));
    const keyFile = join(dir, "key.json");
    writeFileSync(keyFile, JSON.stringify({ type: "service_account", project_id: "p" }));
    for (const auth of [new GoogleAuth({ keyFilename: join(dir, "missing.json") }), new GoogleAuth({ keyFilename: keyFile })]) {
      const message = await failureOf(build({ baseUrl: "http://127.0.0.1:9" }, auth), sourceContext());
      expect(message).toMatch(/^\[ga4\] no Google credentials: .+\. Locally, set GOOGLE_APPLICATION_CREDENTIALS to a service account key file/);
      expect(message).toContain("must be a Viewer on the GA4 property");
    }
  });

  it("retries the quota's 429 and then reads the report", async () => {
    const f = await start();
    f.exhaustNext(1);
    expect(
      await build({ baseUrl: f.url, metrics: { active_users_1d: false, active_users_28d: false, sessions_7d: false } }).collect(sourceContext("2024-05-15")),
    ).toEqual({ GA4_ACTIVE_USERS_7D: 3 });
    expect(f.requests).toHaveLength(2);
  });

  it("fails, never records 0, when rows exist but a range is missing", async () => {
    const server = await startServer((_, res) =>
      sendJson(res, 200, {
        dimensionHeaders: [],
        metricHeaders: [{ name: "activeUsers" }, { name: "sessions" }],
        rows: [{ metricValues: [{ value: "5" }, { value: "9" }] }],
        rowCount: 1,
      }),
    );
    try {
      expect(await failureOf(build({ baseUrl: server.url }), sourceContext())).toBe("[ga4] the report has no row for last_1_day");
    } finally {
      await server.close();
    }
  });
});
