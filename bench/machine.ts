import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

/** Where the figures came from. */
export interface Machine {
  nproc: number;
  cpuModel: string;
  /** `free -h`, as printed. */
  free: string;
  totalMemoryBytes: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews timings. */
  loadAverage: number[];
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  } catch {
    return os.cpus()[0]?.model ?? "unknown";
  }
}

function freeH(): string {
  try {
    return execFileSync("free", ["-h"], { encoding: "utf8" }).trimEnd();
  } catch {
    return `${(os.totalmem() / 2 ** 30).toFixed(1)}Gi total (free(1) unavailable)`;
  }
}

export function describeMachine(): Machine {
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    free: freeH(),
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}
