import { Secrets, urlCredentials, WEAK_SECRET_LENGTH } from "../log/secrets.js";
import { formatPath, type PathSegment } from "./issues.js";

const SECRET_KEY = /password|passwd|token|secret|authorization|cookie|api[-_]?key|webhookurl/i;
/** Header names that carry a credential, whatever the API calls it: `x-api-key`, `private-token`, `x-auth-user`. */
const SECRET_HEADER = /auth|token|key|secret|session|cookie|pass/i;
/** Login form fields that name the user rather than authenticate them. */
const IDENTITY_FIELD = /^(email|e-mail|user(name)?|login|account)$/i;

/** A login form field that holds a credential (anything but the user's name or email). */
export function isSecretField(name: string): boolean {
  return !IDENTITY_FIELD.test(name);
}

/** A credential found in the config, where it was found. */
interface Found {
  path: PathSegment[];
  value: string;
}

/** Finds credentials by key name anywhere in the validated config; the source of truth for redaction. */
export function collectSecrets(config: unknown): Secrets {
  const secrets = new Secrets();
  walk(config, [], {
    secret: ({ value }) => secrets.add(value),
    url: ({ value }) => secrets.addUrl(value),
    basicAuth: (username, password) => secrets.addBasicAuth(username, password),
  });
  return secrets;
}

/**
 * One warning per credential shorter than `WEAK_SECRET_LENGTH`, naming its place (never its value):
 * it is easy to guess, and each place it stands alone in output is masked, innocent words included.
 */
export function weakSecretWarnings(config: object): string[] {
  const found: Found[] = [];
  const { secrets: _, ...tree } = config as Record<string, unknown>;
  walk(tree, [], { secret: (f) => found.push(f), url: () => {}, basicAuth: () => {} });
  const warnings = found
    .filter(({ value }) => value.length > 0 && value.length < WEAK_SECRET_LENGTH)
    .map(
      ({ path, value }) =>
        `${formatPath(path)}: the secret is only ${value.length} character${value.length === 1 ? "" : "s"} long; it is easy to guess, and output masks every standalone "word" equal to it. Use one of at least ${WEAK_SECRET_LENGTH} characters.`,
    );
  return [...new Set(warnings)];
}

interface Visitor {
  secret(found: Found): void;
  url(found: Found): void;
  basicAuth(username: string, password: string): void;
}

function walk(node: unknown, path: PathSegment[], visit: Visitor): void {
  // An array's items are named by the key that holds the array.
  const named = path.filter((segment) => typeof segment !== "number");
  const key = String(named.at(-1) ?? "");
  const parentKey = String(named.at(-2) ?? "");
  if (typeof node === "string") {
    if (/webhookurl/i.test(key)) visit.url({ path, value: node });
    else if (SECRET_KEY.test(key) || (parentKey === "fields" && isSecretField(key)) || (parentKey === "headers" && SECRET_HEADER.test(key))) {
      visit.secret({ path, value: node });
    }
    if (/^(bearer|basic|token) /i.test(node)) {
      visit.secret({ path, value: node });
      visit.secret({ path, value: node.replace(/^\S+ /, "") });
    }
    const credentials = urlCredentials(node);
    if (credentials) visit.basicAuth(credentials.username, credentials.password);
    return;
  }
  if (Array.isArray(node)) return node.forEach((item, i) => walk(item, [...path, i], visit));
  if (!node || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (key === "basicAuth" && typeof record.username === "string" && typeof record.password === "string") visit.basicAuth(record.username, record.password);
  for (const [k, v] of Object.entries(record)) walk(v, [...path, k], visit);
}
