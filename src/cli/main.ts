import { parseArgs } from "node:util";
import { ConfigError, UsageError, errorMessage } from "../errors.js";
import { Secrets } from "../log/secrets.js";
import { redactedIo, type CliIo } from "./context.js";
import { runCommand } from "./run.js";
import { checkCommandFlags, checkDateFlag, OPTIONS, unknownFlagError } from "./flags.js";
import { isUsageError, onlyNames } from "../args.js";
import { USAGE } from "./usage.js";
import { schemaCommand, validateCommand } from "./validate.js";
import { printable } from "../printable.js";

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const [command, sub] = argv.filter((arg) => !arg.startsWith("-"));
    throw unknownFlagError(error, command === "notion" ? `notion ${sub ?? ""}`.trim() : command) ?? error;
  }
}

/** Runs one command and returns the exit code; never calls process.exit, so tests can drive it. */
export async function main(argv: string[], unsafeIo: CliIo): Promise<number> {
  // Everything printed, error lines included, goes through one redaction list.
  const io = redactedIo(unsafeIo, unsafeIo.secrets ?? new Secrets());
  try {
    const { values, positionals } = parseFlags(argv);
    const [command, sub] = positionals;
    if (values.help || !command || command === "help") {
      io.stdout.write(USAGE);
      return command || values.help ? 0 : 2;
    }
    checkCommandFlags(command === "notion" ? `notion ${sub ?? ""}`.trim() : command, Object.keys(values));
    checkDateFlag(values.date);
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
