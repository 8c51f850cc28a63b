import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { convertFiles } from "@cdktf/hcl2json";
import { PLACEHOLDER_DATABASE_ID } from "../../src/config/placeholders.js";
import { ROOT } from "../global-setup.js";

const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
if (!hasTerraform) process.stderr.write("terraform is not on PATH: skipping the evaluation of the placeholder precondition\n");

/** The deploy refuses the starter's placeholder database id, as `kpi-collector validate` does. */
let conditions: string[];
let dir: string;
beforeAll(async () => {
  type Upload = { lifecycle: { precondition: { condition: string }[] }[] };
  const tf = (await convertFiles(join(ROOT, "terraform"))) as { resource: { google_storage_bucket_object: { source: Upload[] } } };
  conditions = tf.resource.google_storage_bucket_object.source[0]!.lifecycle[0]!.precondition.map((p) => p.condition);
  dir = await mkdtemp(join(tmpdir(), "kpi-tf-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Evaluates a precondition with `terraform console`, its config path pointing at `config`. */
async function holds(condition: string, config: string): Promise<boolean> {
  await writeFile(join(dir, "kpi.config.yaml"), config);
  const expression = condition.replace(/^\$\{([\s\S]*)\}$/, "$1").replaceAll("${path.module}/../kpi.config.yaml", join(dir, "kpi.config.yaml"));
  const child = execFile("terraform", ["console"], { cwd: dir, env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" } });
  child.stdin!.end(expression + "\n");
  const output = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(text.trim()) : reject(new Error(`terraform console exited ${code}: ${text}`))));
  });
  if (output !== "true" && output !== "false") throw new Error(`terraform console printed ${output}`);
  return output === "true";
}

describe("terraform: the source upload's preconditions", () => {
  it("one looks for the same placeholder id the config loader refuses", () => {
    const placeholder = conditions.find((c) => c.includes(PLACEHOLDER_DATABASE_ID));
    expect(placeholder).toBeDefined();
  });

  (hasTerraform ? it : it.skip)(
    "refuses the shipped starter config, in any form of the id, and accepts a real id",
    async () => {
      const condition = conditions.find((c) => c.includes(PLACEHOLDER_DATABASE_ID))!;
      const starter = await readFile(join(ROOT, "kpi.config.yaml"), "utf8");
      expect(await holds(condition, starter)).toBe(false);
      expect(await holds(condition, starter.replace(PLACEHOLDER_DATABASE_ID, "01234567-89AB-CDEF-0123-456789ABCDEF"))).toBe(false);
      expect(await holds(condition, starter.replace(PLACEHOLDER_DATABASE_ID, "89abcdef0123456789abcdef01234567"))).toBe(true);
    },
    60_000,
  );
});
