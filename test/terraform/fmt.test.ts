import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const TF_DIR = join(import.meta.dirname, "..", "..", "terraform");
const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;

if (!hasTerraform) {
  console.warn("terraform is not on PATH: skipping `terraform fmt -check -recursive terraform/`");
}

describe("terraform fmt", () => {
  (hasTerraform ? it : it.skip)("terraform/ is formatted (terraform fmt -check -recursive)", () => {
    const result = spawnSync("terraform", ["fmt", "-check", "-recursive", "-list=true", TF_DIR], { encoding: "utf8" });
    // Files needing a format are listed on stdout; exit code 3 means "not formatted".
    expect({ status: result.status, unformatted: result.stdout.trim() }).toEqual({ status: 0, unformatted: "" });
  });
});
