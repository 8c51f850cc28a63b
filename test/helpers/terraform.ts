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
