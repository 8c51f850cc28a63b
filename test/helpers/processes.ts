import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A child process in its own process group, so stopping it stops everything it started (gcloud starts java). */
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
  /** SIGTERM to the whole group, SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ManagedProcess>();
let guarded = false;

/** Kills every group still running, synchronously: for SIGINT, SIGTERM and exit. */
function killAllNow(): void {
  for (const child of running) killGroup(child.pid, "SIGKILL");
  running.clear();
}

function guardExit(): void {
  if (guarded) return;
  guarded = true;
  process.once("exit", killAllNow);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killAllNow();
      process.exit(130);
    });
  }
}

function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function startProcess(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ManagedProcess {
  guardExit();
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
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
        const timer = setTimeout(() => done(() => reject(new Error(`${name}: no output matching ${pattern} within ${timeoutMs} ms. Output:\n${managed.tail()}`))), timeoutMs);
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
    stop: (graceMs = 5000) =>
      (stopping ??= (async () => {
        killGroup(pid, "SIGTERM");
        // The leader can exit before the rest of its group (java under gcloud): wait for the group.
        const gone = await waitFor(() => !killGroup(pid, 0), { timeoutMs: graceMs, intervalMs: 50 }).then(
          () => true,
          () => false,
        );
        if (!gone) killGroup(pid, "SIGKILL");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
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
export async function waitFor<T>(condition: () => T | Promise<T>, options: { timeoutMs: number; intervalMs?: number; message?: string | (() => string) }): Promise<NonNullable<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
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
