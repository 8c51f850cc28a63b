import type { CookieJar } from "tough-cookie";
import * as z from "zod";
import { isSecretField } from "../config/secrets.js";
import { WEAK_SECRET_LENGTH } from "../log/secrets.js";
import { errorMessage, HttpError, SourceError } from "../errors.js";
import { describeUrl, type HttpRequest, type HttpResponse } from "../http/client.js";
import type { SourceContext } from "../types.js";
import { cssSelector, DEFAULT_MAX_PARSE_BYTES, httpUrl } from "./option-checks.js";
import { countMatches, readForm } from "./parse-page.js";

export const loginSchema = z
  .object({
    url: httpUrl.describe("The page that shows the login form; it is fetched first, with a fresh cookie jar."),
    form: cssSelector.describe('CSS selector of the login form, e.g. "form#login". It must match only on the login page.'),
    fields: z
      .record(z.string().min(1), z.string())
      .refine((fields) => Object.keys(fields).length > 0, "name at least one field, e.g. { email: ${USER}, password: ${PASS} }")
      .meta({ minProperties: 1 })
      .describe("Input names and the values to fill in; hidden inputs (CSRF tokens) are kept as the page sets them."),
    check: cssSelector.optional().describe("A CSS selector found only when logged in, checked on the source's page."),
  })
  .strict()
  .describe("A form login; the session cookies are kept for the source's request.");

/** A form login, done afresh on every collect. */
export type LoginOptions = z.infer<typeof loginSchema>;

const REJECTED = new Set([400, 401, 403, 419, 422]);

/** `login failed for source X: reason`, with the failure the login turned into as `cause`. */
export function loginFailed(source: string, reason: string, cause?: unknown): SourceError {
  return new SourceError(source, `login failed for source ${source}: ${reason}`, { cause });
}

/**
 * Gets the login page, fills the form (keeping its hidden inputs), submits it to its `action`
 * and returns the cookie jar holding the session. Every cookie value goes to `context.secrets`
 * before any message could carry it.
 */
export async function logIn(source: string, login: LoginOptions, context: SourceContext): Promise<CookieJar> {
  context.secrets.add(
    ...Object.entries(login.fields)
      .filter(([name]) => isSecretField(name))
      .map(([, value]) => value),
  );
  // Loaded only by sources that log in: a run without logins never pays for it.
  const { CookieJar: Jar } = await import("tough-cookie");
  const jar = new Jar();
  // The login pages are parsed too: no larger than an html source's page may be.
  const send = (request: HttpRequest) => requestWithJar(context, jar, { maxResponseBytes: DEFAULT_MAX_PARSE_BYTES, ...request });

  let page: HttpResponse;
  try {
    page = await send({ url: login.url });
  } catch (error) {
    throw loginFailed(source, `the login page could not be fetched: ${errorMessage(error)}`, error);
  }
  const form = await readForm(context, page.body, login.form).catch((error: unknown) => {
    throw loginFailed(source, `the login page could not be read: ${errorMessage(error)} (${describeUrl(page.url)})`, error);
  });
  if (!form) throw loginFailed(source, `form "${login.form}" not found on ${describeUrl(page.url)} (has the login page changed?)`);

  const values = form.values;
  for (const [name, value] of Object.entries(login.fields)) {
    if (!(name in values)) context.logger.warn(`login field "${name}" is not an input of form "${login.form}"`, { source });
    values[name] = value;
  }
  const action = new URL(form.action || page.url, page.url);
  const method = (form.method || "POST").toUpperCase();
  if (method === "GET") action.search = new URLSearchParams(values).toString();

  let answer: HttpResponse;
  try {
    answer = await send(method === "GET" ? { url: action.toString() } : { url: action.toString(), method, form: values });
  } catch (error) {
    const status = error instanceof HttpError ? error.status : undefined;
    const why =
      status !== undefined && REJECTED.has(status) ? `the login form was rejected with status ${status} (check the credentials)` : errorMessage(error);
    throw loginFailed(source, why, error);
  }
  if (isHtml(answer) && (await countMatches(context, answer.body, [login.form]))[0]) {
    throw loginFailed(source, "still on the login form after submitting (check the credentials)");
  }
  return jar;
}

/** What `assertLoggedIn` counts on the source's page: the login form, and `check` when set. */
export function loginSelectors(login: LoginOptions): string[] {
  return login.check ? [login.form, login.check] : [login.form];
}

/**
 * The session was not accepted when the source's `url` answers with the login form, or lacks `check`.
 * `counts` are the matches of `loginSelectors(login)` on that page.
 */
export function assertLoggedIn(source: string, login: LoginOptions, counts: readonly number[], url: string): void {
  if ((counts[0] ?? 0) > 0) {
    throw loginFailed(source, `${describeUrl(url)} answered with the login form (the session was not accepted or has expired)`);
  }
  if (login.check && counts[1] === 0) {
    throw loginFailed(source, `"${login.check}" not found on ${describeUrl(url)}, so the session is not logged in`);
  }
}

/**
 * A request with `jar`, adding each cookie value it holds afterwards to the secrets. Values too
 * short to be a session (`lang=en`, `remember=1`) are preferences, and masking them would blank
 * every `1` and `en` in the output, so they are left out.
 */
export async function requestWithJar(context: SourceContext, jar: CookieJar, request: HttpRequest): Promise<HttpResponse> {
  try {
    return await context.http.request({ ...request, cookieJar: jar, signal: context.signal });
  } finally {
    const cookies = (await jar.serialize()).cookies;
    context.secrets.add(...cookies.map((cookie) => cookie.value).filter((value) => (value?.length ?? 0) >= WEAK_SECRET_LENGTH));
  }
}

function isHtml(response: HttpResponse): boolean {
  const type = response.headers["content-type"];
  return typeof type === "string" ? type.includes("html") : /^\s*</.test(response.body);
}
