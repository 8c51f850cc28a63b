import type * as z from "zod";
import { basicAuth, headers } from "../config/common.js";
import { errorMessage, HttpError, SourceError } from "../errors.js";
import type { HttpResponse } from "../http/client.js";
import type { SourceContext } from "../types.js";
import { httpUrl } from "./option-checks.js";
import { logIn, loginFailed, loginSchema, requestWithJar, type LoginOptions } from "./login.js";

/** The request keys `html` and `json` sources share. */
export const pageRequest = {
  url: httpUrl.describe("The page or API endpoint to fetch."),
  headers: headers.optional().describe("Extra request headers, e.g. an API key."),
  basicAuth: basicAuth.optional().describe("HTTP basic authentication."),
  login: loginSchema.optional(),
};

export interface PageRequest {
  url: string;
  /** @default "GET" */
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  basicAuth?: z.infer<typeof basicAuth>;
  login?: LoginOptions;
  /** A tighter body limit than the pipeline's `maxResponseBytes`. */
  maxResponseBytes?: number;
  /** Answer with the body's bytes (`HttpResponse.bytes`), for a parse worker. */
  bytes?: boolean;
}

/**
 * Fetches a source's page, logging in first when `login` is set. HTTP failures become
 * `SourceError`s naming the source; a 401/403 after logging in is a failed login.
 */
export async function fetchPage(source: string, context: SourceContext, request: PageRequest): Promise<HttpResponse> {
  if (request.basicAuth) context.secrets.addBasicAuth(request.basicAuth.username, request.basicAuth.password);
  const { login, ...rest } = request;
  const jar = login ? await logIn(source, login, context) : undefined;
  try {
    return jar ? await requestWithJar(context, jar, rest) : await context.http.request({ ...rest, signal: context.signal });
  } catch (error) {
    const status = error instanceof HttpError ? error.status : undefined;
    if (login && (status === 401 || status === 403)) throw loginFailed(source, `${errorMessage(error)} after logging in`, error);
    throw new SourceError(source, errorMessage(error), { cause: error });
  }
}
