import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertFiles } from "@cdktf/hcl2json";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The function's NODE_OPTIONS, read from terraform/function.tf, so a test or benchmark runs with
 * exactly the flags the deployed function gets and the two can't drift apart. `root` is the
 * repository's, for callers built elsewhere (bench/).
 */
export async function functionNodeOptions(root = ROOT): Promise<string> {
  const tf = (await convertFiles(join(root, "terraform"))) as {
    resource?: Record<string, Record<string, { service_config?: { environment_variables?: Record<string, unknown> }[] }[]>>;
  };
  const value = tf.resource?.google_cloudfunctions2_function?.collector?.[0]?.service_config?.[0]?.environment_variables?.NODE_OPTIONS;
  if (typeof value !== "string" || value === "") throw new Error("terraform/function.tf sets no NODE_OPTIONS in service_config.environment_variables");
  return value;
}

/** The function's memory in MiB, from `available_memory` in terraform/function.tf: `M`/`G` are decimal (512M is 488 MiB), `Mi`/`Gi` binary. */
export async function functionMemoryMib(root = ROOT): Promise<number> {
  const tf = (await convertFiles(join(root, "terraform"))) as {
    resource?: Record<string, Record<string, { service_config?: { available_memory?: unknown }[] }[]>>;
  };
  const value = tf.resource?.google_cloudfunctions2_function?.collector?.[0]?.service_config?.[0]?.available_memory;
  const match = typeof value === "string" ? /^(\d+)(M|Mi|G|Gi)$/.exec(value) : null;
  if (!match) throw new Error(`terraform/function.tf: available_memory ${JSON.stringify(value)} is not like 512M or 1Gi`);
  const bytes = { M: 1e6, Mi: 2 ** 20, G: 1e9, Gi: 2 ** 30 }[match[2] as "M" | "Mi" | "G" | "Gi"];
  return Math.floor((Number(match[1]) * bytes) / 2 ** 20);
}
