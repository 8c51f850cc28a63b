import { formatPath, type PathSegment } from "./issues.js";

const PLACEHOLDER = /\$\$\{|\$\{([^}]*)\}/g;
/** Environment variable names that hold credentials, whatever key they land in. */
const SECRET_ENV_NAME = /TOKEN|SECRET|PASS|KEY|WEBHOOK|COOKIE|AUTH/i;

/** A `${NAME}` that could not be filled in. */
export interface EnvIssue {
  path: PathSegment[];
  message: string;
  /** The variable that is not set; absent for a malformed reference. */
  missing?: string;
}

export interface Interpolated {
  value: unknown;
  issues: EnvIssue[];
  /** Values that came from secret-looking environment variables. */
  secretValues: string[];
}

/**
 * Replaces `${NAME}` in every string of a parsed YAML tree with `env.NAME`.
 * `$${` stays a literal `${`. A missing variable is an issue naming it and the place.
 */
export function interpolateEnv(tree: unknown, env: Record<string, string | undefined>): Interpolated {
  const issues: EnvIssue[] = [];
  const secretValues: string[] = [];
  const walk = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === "string") {
      return node.replace(PLACEHOLDER, (match, name: string | undefined) => {
        if (match === "$${") return "${";
        const key = (name ?? "").trim();
        const value = env[key];
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
          issues.push({ path, message: `${formatPath(path)}: "\${${key}}" is not a valid environment variable reference; use \${NAME}` });
          return "";
        }
        if (value === undefined || value === "") {
          issues.push({ path, missing: key, message: `${formatPath(path)}: environment variable ${key} is not set (export ${key}=... before running)` });
          return "";
        }
        if (SECRET_ENV_NAME.test(key)) secretValues.push(value);
        return value;
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return node;
  };
  return { value: walk(tree, []), issues, secretValues };
}
