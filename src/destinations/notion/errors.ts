import { APIErrorCode, isHTTPResponseError } from "@notionhq/client";
import { DestinationError, KpiError, RetriesExhausted, errorMessage, type KpiErrorCode } from "../../errors.js";
import type { Secrets } from "../../log/secrets.js";
import { describeFailure, isTransient } from "./client.js";

const SHARE_HINT = "open the database page in Notion, then its ••• menu > Connections > add your integration";

export interface ErrorContext {
  destination: string;
  /** What was being done, e.g. `upsert 2026-11-30`. */
  what: string;
  /** The database or page the request was about, named in "not found" messages. */
  target: string;
  secrets: Secrets;
  /** Replaces the "database not found" advice, e.g. for a parent page. */
  notFound?: string;
  /** Added when a write that is never retried timed out or lost its connection: it may have been applied. */
  uncertain?: string;
}

/**
 * One clear `DestinationError` for any failure: the message says what to do, never
 * carries the token (it is redacted), and keeps Notion's own message where it helps.
 */
export function toDestinationError(thrown: unknown, context: ErrorContext): DestinationError {
  if (thrown instanceof DestinationError) return thrown;
  const { destination, what, target, secrets } = context;
  // Only a request that was actually sent again is said to have failed "after retries".
  const retried = thrown instanceof RetriesExhausted;
  const error = retried ? thrown.last : thrown;
  const failed = `${what} failed${retried ? " after retries" : ""}`;
  const make = (code: KpiErrorCode, message: string) => new DestinationError(destination, secrets.redact(message), { cause: error, code });
  if (error instanceof KpiError) return make(error.code, `${what}: ${error.message}`);
  if (isHTTPResponseError(error)) {
    switch (error.code) {
      case APIErrorCode.Unauthorized:
        return make(
          "notion_unauthorized",
          "Notion token invalid (401 unauthorized): copy the Internal Integration Secret of your integration into NOTION_TOKEN",
        );
      case APIErrorCode.ObjectNotFound:
        return make("notion_not_found", context.notFound ?? `database not found or not shared with the integration (${target}): share it via ${SHARE_HINT}`);
      case APIErrorCode.RestrictedResource:
        return make(
          "notion_restricted",
          `the integration lacks a capability for ${what} (403 restricted_resource): give it read, update and insert content capabilities`,
        );
      case APIErrorCode.ValidationError:
        return make("notion_validation", `Notion rejected ${what} (400 validation_error): ${error.message}`);
    }
    return make("notion_http", `${failed}: ${error.status} ${error.code}: ${error.message}`);
  }
  if (isTransient(error)) {
    const uncertain = !retried && context.uncertain ? ` (${context.uncertain})` : "";
    return make("notion_unavailable", `${failed}: ${describeFailure(error)}${uncertain}`);
  }
  return make("notion_failed", `${what} failed: ${errorMessage(error)}`);
}
