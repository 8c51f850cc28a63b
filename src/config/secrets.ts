import { Secrets } from "../log/secrets.js";

const SECRET_KEY = /password|passwd|token|secret|authorization|cookie|api[-_]?key|webhookurl/i;
/** Login form fields that name the user rather than authenticate them. */
const IDENTITY_FIELD = /^(email|e-mail|user(name)?|login|account)$/i;

/** A login form field that holds a credential (anything but the user's name or email). */
export function isSecretField(name: string): boolean {
  return !IDENTITY_FIELD.test(name);
}

/** Finds credentials by key name anywhere in the validated config; the source of truth for redaction. */
export function collectSecrets(config: unknown): Secrets {
  const secrets = new Secrets();
  const walk = (node: unknown, key: string, parentKey: string) => {
    if (typeof node === "string") {
      if (/webhookurl/i.test(key)) secrets.addUrl(node);
      else if (SECRET_KEY.test(key)) secrets.add(node);
      else if (parentKey === "fields" && isSecretField(key)) secrets.add(node);
      else if (parentKey === "headers" && /^(x-)?(auth|api|token)/i.test(key)) secrets.add(node);
      if (/^(bearer|basic|token) /i.test(node)) secrets.add(node, node.replace(/^\S+ /, ""));
      return;
    }
    if (Array.isArray(node)) node.forEach((item) => walk(item, key, parentKey));
    else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, k, key);
  };
  walk(config, "", "");
  return secrets;
}
