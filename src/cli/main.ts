import { parseArgs } from "node:util";
import { ConfigError, UsageError, errorMessage } from "../errors.js";
import { Secrets } from "../log/secrets.js";
import { redactedIo, type CliIo } from "./io.js";
import { checkArguments, checkCommandFlags, checkDateFlag, COMMAND_FLAGS, OPTIONS, unknownCommandError, unknownFlagError } from "./flags.js";
import { isUsageError, onlyNames } from "../args.js";
import { USAGE } from "./usage.js";
import { printable } from "../printable.js";
import { resolveConfigPath } from "../config/path.js";
import { warmParserFor } from "../sources/warm-parser.js";

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
    const name = command === "notion" ? `notion ${sub ?? ""}`.trim() : command;
    if (!COMMAND_FLAGS[name] && command !== "notion") throw unknownCommandError(command);
    checkCommandFlags(name, Object.keys(values));
    checkArguments(name, positionals.slice(command === "notion" ? 2 : 1));
    checkDateFlag(values.date);
    switch (command) {
      case "run": {
        // Before the run's modules load: a parse worker, if the run will need one, boots meanwhile.
        await warmParserFor(resolveConfigPath(values.config, io.env));
        const { runCommand } = await import("./run.js");
        return await runCommand({ config: values.config, job: values.job, date: values.date, only: onlyNames(values.only), dryRun: values["dry-run"] }, io);
      }
      case "validate":
        return await (await import("./validate.js")).validateCommand({ config: values.config }, io);
      case "schema":
        return (await import("./validate.js")).schemaCommand(io);
      case "report": {
        const { reportCommand } = await import("./report.js");
        return await reportCommand({ config: values.config, date: values.date, dryRun: values["dry-run"], force: values.force }, io);
      }
      case "chart": {
        const { chartCommand } = await import("./chart.js");
        // PNG bytes bypass the text redaction, which would mangle them; the image holds no secret.
        return await chartCommand({ config: values.config, date: values.date, out: values.out }, io, (png) =>
          (unsafeIo.stdout as { write(chunk: Uint8Array): unknown }).write(png),
        );
      }
      case "notion": {
        if (sub !== "init") throw new UsageError(`unknown command "notion ${sub ?? ""}"; did you mean "notion init"?`);
        const { notionInitCommand } = await import("./notion-init.js");
        return await notionInitCommand({ config: values.config, parent: values.parent, title: values.title }, io);
      }
      default:
        throw unknownCommandError(command);
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
