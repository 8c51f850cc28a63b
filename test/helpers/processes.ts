import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A command under a supervisor that stops everything the command started (gcloud starts python, which starts java). */
export interface ManagedProcess {
  name: string;
  pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** The last `lines` lines of output, for failure messages. */
  tail(lines?: number): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal) when the leader exits. */
  exited: Promise<number | string>;
  /** SIGTERM to everything it started, SIGKILL after the grace period. Safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ManagedProcess>();

/**
 * A small supervisor between the test and the command. It stops every process below it, with
 * SIGTERM and then SIGKILL after a grace period. It does this on SIGTERM from `stop()`, and also when
 * its stdin closes, which happens when the test runner dies for any reason: SIGINT, SIGKILL or a crash.
 * - Signal handlers inside jest can't do this, because a test's `process` is a sandbox copy that never
 *   receives the runner's signals.
 * - Killing a process group is not enough either: gcloud's python moves the emulator's java into a
 *   group of its own. So the supervisor walks /proc for its descendants before any of them dies.
 */
const SUPERVISOR = String.raw`
const { spawn } = require("node:child_process");
const { readdirSync, readFileSync } = require("node:fs");
const [command, ...args] = JSON.parse(process.argv[1]);
const graceMs = Number(process.argv[2]);
const stat = (pid) => { try { const s = readFileSync("/proc/" + pid + "/stat", "utf8"); return s.slice(s.lastIndexOf(")") + 2).split(" "); } catch { return undefined; } };
const alive = (pid) => { const f = stat(pid); return !!f && f[0] !== "Z"; };
function descendants() {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    const f = /^\d+$/.test(entry) && stat(entry);
    if (f) children.set(Number(f[1]), [...(children.get(Number(f[1])) || []), Number(entry)]);
  }
  const found = [], queue = [process.pid];
  while (queue.length) for (const pid of children.get(queue.shift()) || []) { found.push(pid); queue.push(pid); }
  return found;
}
const signal = (pids, name) => pids.forEach((pid) => { try { process.kill(pid, name); } catch {} });
let stopping;
function stop() {
  stopping ??= (async () => {
    const pids = descendants();
    signal(pids, "SIGTERM");
    for (const deadline = Date.now() + graceMs; Date.now() < deadline && pids.some(alive); ) await new Promise((r) => setTimeout(r, 50));
    signal([...pids, ...descendants()], "SIGKILL");
    process.exit(0);
  })();
}
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
process.on("SIGTERM", stop);
process.stdin.on("close", stop).resume();
child.on("error", (error) => { console.error(String(error)); process.exit(127); });
child.on("exit", (code) => { if (!stopping) process.exit(code ?? 128); });
`;

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; graceMs?: number } = {},
): ManagedProcess {
  const graceMs = options.graceMs ?? 5000;
  const child: ChildProcess = spawn(process.execPath, ["-e", SUPERVISOR, JSON.stringify([command, ...args]), String(graceMs)], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  let text = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  spawnError.catch(() => {});
  let stopping: Promise<void> | undefined;

  const managed: ManagedProcess = {
    name,
    pid,
    output: () => text,
    tail: (lines = 30) => text.split("\n").slice(-lines).join("\n"),
    waitForOutput: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) done(() => resolve(match));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`${name}: no output matching ${pattern} within ${timeoutMs} ms. Output:\n${managed.tail()}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        void exited.then((code) => done(() => reject(new Error(`${name} exited (${code}) before printing ${pattern}. Output:\n${managed.tail()}`))));
        spawnError.catch((error: Error) => done(() => reject(new Error(`${name}: ${error.message}`))));
        listeners.add(check);
        check();
      }),
    exited,
    stop: () =>
      (stopping ??= (async () => {
        child.kill("SIGTERM");
        const timeout = new Promise((resolve) => setTimeout(resolve, graceMs + 3000).unref());
        if ((await Promise.race([exited.then(() => true), timeout])) !== true) {
          try {
            process.kill(-pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        child.stdin?.destroy();
        running.delete(managed);
      })()),
  };
  running.add(managed);
  return managed;
}

/** Stops every process started through `startProcess` that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** A port of 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `condition` until it returns a truthy value, or throws after `timeoutMs` with `message`. */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: { timeoutMs: number; intervalMs?: number; message?: string | (() => string) },
): Promise<NonNullable<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const message = typeof options.message === "function" ? options.message() : options.message;
      throw new Error(`timed out after ${options.timeoutMs} ms: ${message ?? "condition not met"}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
