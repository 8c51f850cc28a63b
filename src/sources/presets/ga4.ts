import * as z from "zod";
import { errorMessage } from "../../errors.js";
import type { Source } from "../../types.js";
import { createComputedPreset, postQuery, readCount } from "./computed.js";
import { periodEndingOn } from "./period.js";
import { presetSchema, quoteReason } from "./preset.js";

export const GA4_TYPE = "ga4";
export const GA4_METRICS = ["active_users_1d", "active_users_7d", "active_users_28d", "sessions_7d"] as const;
const SCOPE = "https://www.googleapis.com/auth/analytics.readonly";

export const ga4SourceSchema = presetSchema(
  GA4_TYPE,
  GA4_METRICS,
  {
    propertyId: z
      .string()
      .regex(/^(?:properties\/)?\d+$/, 'use "properties/123456789" or the number alone (GA4: Admin → Property details)')
      .describe("The GA4 property, properties/123456789."),
    accessToken: z
      .string()
      .min(1)
      .optional()
      .describe(
        "An OAuth access token with the analytics.readonly scope, instead of Application Default Credentials. Tokens expire within the hour: for one-off runs and tests.",
      ),
  },
  "Google Analytics 4 active users over 1, 7 and 28 days and sessions over 7 days, ending on the run date (Data API runReport). Authenticates with Application Default Credentials.",
);

/** A GA4 property's users and sessions. */
export type Ga4SourceOptions = z.infer<typeof ga4SourceSchema>;

/** Gets the OAuth access token for a request; google-auth-library's `GoogleAuth` is one. */
export interface Ga4Auth {
  getAccessToken(): Promise<string | null | undefined>;
}

export interface Ga4Deps {
  /** @default Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS locally, the function's service account in production) */
  auth?: Ga4Auth;
}

const NO_CREDENTIALS =
  "Locally, set GOOGLE_APPLICATION_CREDENTIALS to a service account key file (or run `gcloud auth application-default login`); in Cloud Functions the function's service account is used. Either must be a Viewer on the GA4 property.";

/** The library loads only when a ga4 source runs without a token: it is heavy, and most configs have none. */
async function applicationDefaultCredentials(): Promise<Ga4Auth> {
  const { GoogleAuth } = await import("google-auth-library");
  return new GoogleAuth({ scopes: [SCOPE] });
}

async function accessToken(options: Ga4SourceOptions, deps: Ga4Deps): Promise<string> {
  if (options.accessToken) return options.accessToken;
  let token: string | null | undefined;
  try {
    token = await (deps.auth ?? (await applicationDefaultCredentials())).getAccessToken();
  } catch (error) {
    throw new Error(`no Google credentials: ${errorMessage(error)}. ${NO_CREDENTIALS}`, { cause: error });
  }
  if (!token) throw new Error(`no Google credentials: the credentials gave no access token. ${NO_CREDENTIALS}`);
  return token;
}

/** The date ranges of the one report, by the name GA4 puts in the `dateRange` dimension. */
const RANGES = [
  { name: "last_1_day", days: 1 },
  { name: "last_7_days", days: 7 },
  { name: "last_28_days", days: 28 },
] as const;
const READS: { key: (typeof GA4_METRICS)[number]; range: (typeof RANGES)[number]["name"]; metric: "activeUsers" | "sessions" }[] = [
  { key: "active_users_1d", range: "last_1_day", metric: "activeUsers" },
  { key: "active_users_7d", range: "last_7_days", metric: "activeUsers" },
  { key: "active_users_28d", range: "last_28_days", metric: "activeUsers" },
  { key: "sessions_7d", range: "last_7_days", metric: "sessions" },
];

interface Report {
  dimensionHeaders?: { name?: string }[];
  metricHeaders?: { name?: string }[];
  rows?: { dimensionValues?: { value?: string }[]; metricValues?: { value?: string }[] }[];
}

export function createGa4Source(options: Ga4SourceOptions, deps: Ga4Deps = {}): Source {
  const baseUrl = (options.baseUrl ?? "https://analyticsdata.googleapis.com").replace(/\/+$/, "");
  const property = options.propertyId.replace(/^properties\//, "");
  return createComputedPreset(options, {
    keys: GA4_METRICS,
    secrets: [options.accessToken],
    hint: (status, body) =>
      status === 400
        ? `the Data API refused the report${quoteReason(body, "error", "message")}`
        : status === 401
          ? "the access token is invalid or expired"
          : status === 403
            ? `the credentials' account cannot read property ${property}: add it as a Viewer in GA4 (Admin → Property access management), and enable the Google Analytics Data API in its Google Cloud project`
            : status === 404
              ? `property ${property} not found`
              : status === 429
                ? "the property's Data API quota is used up for now"
                : undefined,
    async collect(names, context) {
      const token = await accessToken(options, deps);
      context.secrets.add(token);
      // One report: several date ranges put a dateRange dimension on each row, valued by the range's name.
      const body = {
        dateRanges: RANGES.map(({ name, days }) => {
          const period = periodEndingOn(context.date, days, context.timezone);
          return { startDate: period.from, endDate: period.to, name };
        }),
        metrics: [{ name: "activeUsers" }, { name: "sessions" }],
        keepEmptyRows: true,
      };
      const url = `${baseUrl}/v1beta/properties/${property}:runReport`;
      const report = (await postQuery(context, { url, body, headers: { authorization: `Bearer ${token}` } })) as Report | null;
      if (!report || typeof report !== "object") throw new Error("the report is not an object");
      const metrics: Record<string, number> = {};
      for (const { key, range, metric } of READS) {
        const name = names[key];
        if (name) metrics[name] = readValue(report, range, metric);
      }
      return metrics;
    },
  });
}

/**
 * A metric of one date range. GA4 leaves `rows` out when the property has no data at all for the
 * report, which is a true 0; with `keepEmptyRows`, a range missing from rows that exist is an error.
 */
function readValue(report: Report, range: string, metric: string): number {
  const column = report.metricHeaders?.findIndex((header) => header.name === metric) ?? -1;
  if (column < 0) throw new Error(`the report has no ${metric} column`);
  if (report.rows === undefined) return 0;
  const rangeColumn = report.dimensionHeaders?.findIndex((header) => header.name === "dateRange") ?? -1;
  const row = report.rows.find((r) => rangeColumn >= 0 && r.dimensionValues?.[rangeColumn]?.value === range);
  if (!row) throw new Error(`the report has no row for ${range}`);
  return readCount(row.metricValues?.[column]?.value, `${metric} of ${range}`);
}
