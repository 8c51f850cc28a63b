import * as z from "zod";

/** A string holding `${NAME}`: its value is only known once the environment fills it in. */
const INTERPOLATED = "\\$\\{[^}]*\\}";

/** Any absolute URI: a scheme, a colon, no spaces. */
const URI = "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$";

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of a zod schema for editors, made to agree with `loadConfig` where JSON Schema can:
 * - URL formats become patterns (the `uri` format is not checked by every validator, and an http(s)-only URL is narrower);
 * - every string with a pattern also accepts `${NAME}`, as the config interpolates before it validates;
 * - checks written as refinements carry their JSON Schema form in `.meta()` (patterns, if/then, minProperties).
 * What it cannot say (unique names, northStar, time zones, JSON paths, CSS selectors, the placeholder database id)
 * only `kpi-collector validate` checks.
 */
export function editorJsonSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      const def = (zodSchema as { _zod: { def: { format?: string; protocol?: RegExp } } })._zod.def;
      if (def.format !== "url") return;
      delete jsonSchema.format;
      const scheme = def.protocol?.source.replace(/^\^|\$$/g, "");
      jsonSchema.pattern = scheme ? `^(?:${scheme})://[^\\s/?#]+[^\\s]*$` : URI;
    },
  }) as JsonSchema;
  return allowInterpolation(json) as JsonSchema;
}

/** Wraps every string schema with a pattern in `anyOf: [it, a string holding ${NAME}]`; record keys are left alone (they are not interpolated). */
function allowInterpolation(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowInterpolation);
  if (!node || typeof node !== "object") return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === "propertyNames" ? value : allowInterpolation(value);
  if (out.type !== "string" || typeof out.pattern !== "string") return out;
  const { description, default: fallback, ...check } = out;
  return {
    ...(description === undefined ? {} : { description }),
    ...(fallback === undefined ? {} : { default: fallback }),
    anyOf: [check, { type: "string", pattern: INTERPOLATED }],
  };
}
