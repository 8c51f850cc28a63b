import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { buildPipeline } from "../build.js";
import { chartInputFromConfig } from "../destinations/report-command.js";
import { isReportType } from "../destinations/report-types.js";
import { renderChartImage, renderChartSvgImage } from "../report/chart-image.js";
import { cliLogger, loadCliConfig, type CliIo } from "./context.js";
import { UsageError } from "../errors.js";

/**
 * `kpi-collector chart [--date D] [--out FILE.png|FILE.svg|-]`: the weekly report's chart, drawn
 * from history, to a file (default `.kpi/report-<date>.png`) or, with `-`, as PNG to `binaryOut`.
 */
export async function chartCommand(args: { config?: string; date?: string; out?: string }, io: CliIo, binaryOut: (png: Uint8Array) => void): Promise<number> {
  const out = args.out;
  if (out !== undefined && out !== "-" && !/\.(png|svg)$/i.test(out))
    throw new UsageError(`--out: "${out}" must end in .png or .svg, or be - for PNG on stdout`);
  // Nothing is posted: the report destinations' webhooks may be unset.
  const { config } = await loadCliConfig(args.config, io, { leaveOut: isReportType });
  const { logger } = cliLogger(config, io);
  const pipeline = await buildPipeline(config, { logger });
  const date = pipeline.runDate(args.date);
  const input = await chartInputFromConfig(config, pipeline, date);
  if (out === "-") {
    binaryOut((await renderChartImage(input.report, input.rows, input.options)).png);
    return 0;
  }
  const path = out ?? `.kpi/report-${date}.png`;
  const data = /\.svg$/i.test(path) ? await renderChartSvgImage(input) : (await renderChartImage(input.report, input.rows, input.options)).png;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
  io.stdout.write(`${path}\n`);
  return 0;
}
