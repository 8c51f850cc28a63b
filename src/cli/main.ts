import { parseArgs } from "node:util";
import { ConfigError, errorMessage } from "../errors.js";
import type { CliIo } from "./context.js";
import { runCommand } from "./run.js";
import { USAGE, UsageError, isUsageError, onlyNames } from "./usage.js";
import { schemaCommand, validateCommand } from "./validate.js";
import { printable } from "../printable.js";

const OPTIONS = {
  config: { type: "string" },
  job: { type: "string" },
  date: { type: "string" },
  only: { type: "string", multiple: true },
  "dry-run": { type: "boolean" },
  force: { type: "boolean" },
  parent: { type: "string" },
  title: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs one command and returns the exit code; never calls process.exit, so tests can drive it. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [command, sub] = positionals;
    if (values.help || !command || command === "help") {
      io.stdout.write(USAGE);
      return command || values.help ? 0 : 2;
    }
    switch (command) {
      case "run":
        return await runCommand({ config: values.config, job: values.job, date: values.date, only: onlyNames(values.only), dryRun: values["dry-run"] }, io);
      case "validate":
        return await validateCommand({ config: values.config }, io);
      case "schema":
        return schemaCommand(io);
      case "report": {
        const { reportCommand } = await import("./report.js");
        return await reportCommand({ config: values.config, date: values.date, dryRun: values["dry-run"], force: values.force }, io);
      }
      case "notion": {
        if (sub !== "init") throw new UsageError(`unknown command "notion ${sub ?? ""}"; did you mean "notion init"?`);
        const { notionInitCommand } = await import("./notion-init.js");
        return await notionInitCommand({ config: values.config, parent: values.parent, title: values.title }, io);
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`${printable(error.message)}\n`);
      return 2;
    }
    if (isUsageError(error)) {
      io.stderr.write(`${printable(errorMessage(error))}\n\nRun "kpi-collector help" for usage.\n`);
      return 2;
    }
    io.stderr.write(`error: ${printable(errorMessage(error))}\n`);
    return 1;
  }
}
